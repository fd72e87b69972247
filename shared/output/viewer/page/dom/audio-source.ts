import { decodeBase64 } from '../base64';
import type { PageData } from '../page-data';

/** Points the audio element at the page's audio, or disables playback and says why there is none. */
export function loadAudio(
  audio: HTMLAudioElement,
  source: PageData['audio'],
  playButton: HTMLButtonElement,
  notice: HTMLElement,
): void {
  if (source.src === null) {
    playButton.disabled = true;
    notice.textContent = source.note;
    return;
  }
  const { src } = source;
  if (src.startsWith('data:')) {
    // A blob, not the data: URL itself: media elements may refuse data: URLs of several megabytes.
    const type = src.slice(5, src.indexOf(';'));
    const blob = new Blob([decodeBase64(src.slice(src.indexOf(',') + 1))], { type });
    audio.src = URL.createObjectURL(blob);
  } else {
    audio.src = src;
  }
  audio.addEventListener('error', () => {
    notice.textContent = `The audio could not be loaded from ${src.slice(0, 200)}; the timeline still works.`;
  });
}
