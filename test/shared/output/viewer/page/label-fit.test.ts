import { fitLabel, labelRoom, type MeasureText } from '../../../../../shared/output/viewer/page/label-fit';

/** A monospace font whose characters (the ellipsis too) are half as wide as its size. */
const halfEm: MeasureText = (text, fontPx) => (Array.from(text).length * fontPx) / 2;

describe('fitLabel', () => {
  it('shows the whole word at the full 12 px when it fits', () => {
    // Act
    const label = fitLabel('harbour', 42, halfEm);

    // Assess
    expect(label).toEqual({ text: 'harbour', fontPx: 12 });
  });

  it('shrinks the font to the largest whole size that fits the whole word, down to 9 px', () => {
    // Act
    const labels = [41.9, 36, 31.5].map((room) => fitLabel('harbour', room, halfEm));

    // Assess
    expect(labels).toEqual([
      { text: 'harbour', fontPx: 11 },
      { text: 'harbour', fontPx: 10 },
      { text: 'harbour', fontPx: 9 },
    ]);
  });

  it('shortens the word at 9 px to its longest prefix that fits with an ellipsis', () => {
    // Act
    const labels = [31, 13.5, 9].map((room) => fitLabel('harbour', room, halfEm).text);

    // Assess
    expect(labels).toEqual(['harbo…', 'ha…', 'h…']);
  });

  it('shows no label when not even one letter and the ellipsis fit', () => {
    // Act
    const labels = [fitLabel('harbour', 8.9, halfEm), fitLabel('a', 4, halfEm), fitLabel('a', -2, halfEm)];

    // Assess
    expect(labels.map((label) => label.text)).toEqual(['', '', '']);
  });

  it('cuts between characters outside the basic plane, never inside one', () => {
    // Act
    const label = fitLabel('𝒜𝒷𝒸', 9, halfEm);

    // Assess
    expect(label.text).toBe('𝒜…');
  });
});

describe('labelRoom', () => {
  it('leaves the label the box width less its padding and its border, thicker on low-score boxes', () => {
    // Act
    const rooms = [labelRoom(40, false), labelRoom(40, true)];

    // Assess
    expect(rooms).toEqual([32, 30]);
  });
});
