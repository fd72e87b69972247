/** The page element with this id; html-viewer.ts writes every one the script uses. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`The viewer page has no #${id}`);
  return element as T;
}

/** Appends a new element with the given text to `parent`. */
export function appendText<K extends keyof HTMLElementTagNameMap>(
  parent: Node,
  tag: K,
  text: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.textContent = text;
  parent.appendChild(element);
  return element;
}
