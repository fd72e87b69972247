// The viewer page's script, bundled by tools/build.mjs into the text html-viewer.ts embeds. It reads the
// page's `#viewer-data` JSON block; the layout logic lives in the DOM-free modules one folder up.

import { decodeBase64 } from '../base64';
import type { PageData } from '../page-data';
import { steppedWord, WordIndex } from '../word-index';
import { ZOOM_STEP } from '../zoom';
import { loadAudio } from './audio-source';
import { byId } from './elements';
import { Playback } from './playback';
import { showFlagged, showSummary } from './summary';
import { Timeline } from './timeline';

const data = JSON.parse(byId('viewer-data').textContent ?? '') as PageData;
const { result, lowScoreThreshold: threshold } = data;
const words = result.words;
const audio = byId<HTMLAudioElement>('audio');
const playButton = byId<HTMLButtonElement>('play');

showSummary(result, threshold);
loadAudio(audio, data.audio, playButton, byId('notice'));

const envelope =
  data.peaks === null
    ? null
    : { minMax: new Int8Array(decodeBase64(data.peaks.minMax).buffer), binsPerSec: data.peaks.binsPerSec };
const index = new WordIndex(words);
const timeline = new Timeline(result, threshold, index, envelope, () => audio.currentTime || 0);
const playback = new Playback(audio, playButton, timeline, index);

byId('words').addEventListener('click', (event) => {
  const box = (event.target as Element).closest<HTMLElement>('.word');
  if (box) playback.playWord(Number(box.dataset.index));
});
byId('wave').addEventListener('click', (event) => playback.seek(timeline.timeAtClientX(event.clientX)));
document.addEventListener('keydown', (event) => {
  const tag = (event.target as Element | null)?.tagName;
  if (tag === 'INPUT') return;
  if (event.key === ' ' && tag !== 'BUTTON') {
    event.preventDefault();
    playButton.click();
  } else if (event.key === '+' || event.key === '=') {
    timeline.zoomBy(ZOOM_STEP);
  } else if (event.key === '-') {
    timeline.zoomBy(1 / ZOOM_STEP);
  } else if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && words.length > 0) {
    event.preventDefault();
    const direction = event.key === 'ArrowRight' ? 1 : -1;
    const next = index.firstStartingAfter(audio.currentTime);
    playback.playWord(steppedWord(direction, timeline.currentWord, next, words.length));
  }
});

showFlagged(words, threshold, (i) => playback.playWord(i));
timeline.open();
document.body.dataset.ready = 'true';
