import type { WordIndex } from '../word-index';
import type { Timeline } from './timeline';

/** Plays the audio, a word alone or on from a time, and keeps the playhead and highlight on it. */
export class Playback {
  /** When playing a word alone, its end: playback pauses there. */
  private stopAt: number | null = null;

  constructor(
    private readonly audio: HTMLAudioElement,
    private readonly playButton: HTMLButtonElement,
    private readonly timeline: Timeline,
    private readonly index: WordIndex,
  ) {
    audio.addEventListener('play', () => {
      playButton.textContent = 'Pause';
      requestAnimationFrame(this.tick);
    });
    audio.addEventListener('pause', () => {
      playButton.textContent = 'Play';
      this.tick();
    });
    audio.addEventListener('seeked', this.tick);
    playButton.addEventListener('click', () => {
      if (audio.paused) {
        this.stopAt = null;
        audio.play().catch(() => {
          /* playback refused by the browser */
        });
      } else {
        audio.pause();
      }
    });
  }

  /** Plays one word alone, highlighted. */
  playWord(index: number): void {
    const start = this.index.starts[index];
    const end = this.index.ends[index];
    // No such word (a key pressed on a page without words): nothing to play.
    if (start === undefined || end === undefined) return;
    this.timeline.markCurrent(index);
    this.seek(start, end);
  }

  /** Moves to `time` and plays from there, up to `until` when given. */
  seek(time: number, until?: number): void {
    this.audio.currentTime = Math.max(0, time);
    this.stopAt = until ?? null;
    this.timeline.placePlayhead(time);
    this.timeline.followPlayhead(time);
    if (!this.playButton.disabled) {
      this.audio.play().catch(() => {
        /* playback refused: the seek still shows */
      });
    }
  }

  /** One frame of playback: stops at the end of a word played alone, moves the playhead and highlight. */
  private readonly tick = (): void => {
    const time = this.audio.currentTime;
    if (this.stopAt !== null && time >= this.stopAt) {
      this.audio.pause();
      this.stopAt = null;
    }
    this.timeline.placePlayhead(time);
    // Paused, the highlight stays where playback or a click left it (a word played alone stays marked).
    if (this.audio.paused) return;
    this.timeline.followPlayhead(time);
    this.timeline.markCurrent(this.index.at(time));
    requestAnimationFrame(this.tick);
  };
}
