import { LABEL_FONT_FAMILY, LABEL_FONT_PX, WORD_BOX_BORDER_PX, WORD_BOX_PADDING_PX } from './page/label-fit';

const { normal: BORDER, low: LOW_BORDER } = WORD_BOX_BORDER_PX;

/** The viewer page's stylesheet (inlined: the page works offline, from a file, with no other request). */
export const VIEWER_STYLE = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d5d9e2; --wave: #6f86b8; --bg: #f6f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header, #summary, #toolbar, #flagged, #notice, #hint { padding: 0 16px; }
header { padding-top: 12px; }
h1 { font-size: 18px; margin: 0; overflow-wrap: anywhere; }
h2 { font-size: 15px; margin: 12px 0 6px; }
#subtitle { margin: 2px 0 8px; color: var(--muted); }
#stats { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0 0 8px; }
#stats div { display: flex; gap: 6px; }
#stats dt { color: var(--muted); }
#stats dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 600; }
#warnings { margin: 0 0 8px; padding-left: 20px; color: #8a4b00; }
#toolbar { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; padding-bottom: 8px; }
#toolbar button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
#toolbar button:disabled { cursor: default; opacity: 0.5; }
#clock { font-variant-numeric: tabular-nums; min-width: 150px; }
#current-word { font-weight: 600; overflow-wrap: anywhere; }
.legend { color: var(--muted); display: flex; gap: 10px; align-items: center; margin-left: auto; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -2px; margin-right: 3px; }
.swatch.good { background: hsl(120, 55%, 62%); }
.swatch.mid { background: hsl(60, 75%, 60%); }
.swatch.low { background: hsl(0, 70%, 66%); outline: 2px solid #b00020; }
.swatch.unaligned { background: #e4e6eb; border: 1px dashed #777; }
#timeline { position: relative; overflow-x: auto; overflow-y: hidden; background: #fff; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); outline: none; }
#timeline:focus-visible { box-shadow: inset 0 0 0 2px #3a6ff7; }
#track { position: relative; height: 176px; }
#wave { position: sticky; left: 0; top: 0; display: block; height: 112px; cursor: pointer; }
#words { position: absolute; left: 0; top: 116px; height: 56px; width: 100%; }
.word { position: absolute; height: 26px; padding: 0 ${WORD_BOX_PADDING_PX}px; border: ${BORDER}px solid rgba(0, 0, 0, 0.18); border-radius: 3px; font: ${LABEL_FONT_PX}px/24px ${LABEL_FONT_FAMILY}; color: #111; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; text-align: left; cursor: pointer; }
.word.row1 { top: 28px; }
.word.low { border: ${LOW_BORDER}px solid #b00020; }
.word.unaligned { background: #e4e6eb !important; border: ${BORDER}px dashed #777; font-style: italic; color: #555; }
.word.current { box-shadow: 0 0 0 3px #1d2330; z-index: 2; }
.word:focus-visible { outline: 3px solid #3a6ff7; z-index: 3; }
.word.cut:hover, .word.cut.current, .word.cut:focus-visible { overflow: visible; z-index: 3; }
.word.cut:hover::after, .word.cut.current::after, .word.cut:focus-visible::after { content: attr(data-word); position: absolute; box-sizing: border-box; top: -${BORDER}px; left: -${BORDER}px; height: calc(100% + ${2 * BORDER}px); min-width: calc(100% + ${2 * BORDER}px); padding: 0 ${WORD_BOX_PADDING_PX}px; border: inherit; border-radius: inherit; background: inherit; box-shadow: inherit; font-size: ${LABEL_FONT_PX}px; }
.word.low.cut:hover::after, .word.low.cut.current::after, .word.low.cut:focus-visible::after { top: -${LOW_BORDER}px; left: -${LOW_BORDER}px; height: calc(100% + ${2 * LOW_BORDER}px); min-width: calc(100% + ${2 * LOW_BORDER}px); }
#playhead { position: absolute; top: 0; width: 2px; margin-left: -1px; height: 100%; background: #d0021b; pointer-events: none; z-index: 4; }
#hint { color: var(--muted); min-height: 20px; margin: 4px 0; }
#notice { color: #8a4b00; margin: 6px 0; }
#flagged-list { margin: 0; padding-left: 20px; columns: 3 220px; }
#flagged-list button { font: inherit; border: none; background: none; padding: 0; color: #2348a8; cursor: pointer; text-align: left; overflow-wrap: anywhere; }
#flagged-more { color: var(--muted); }
`;
