// Small DOM helpers: build HTML and SVG elements from an attribute object and children.

const SVG_NS = 'http://www.w3.org/2000/svg';

const present = (child) => child !== null && child !== undefined && child !== false;

export const $ = (selector) => document.querySelector(selector);

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
}

/** An HTML element: `el('p', {class: 'x', text: 'hi'}, child, ...)`; null children are left out. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  node.append(...children.filter(present));
  return node;
}

/** An SVG element, built like `el`. */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  node.append(...children.filter(present));
  return node;
}

/** Replace a node's children (null ones left out); returns the node. */
export function fill(node, ...children) {
  node.replaceChildren(...children.filter(present));
  return node;
}

/** A name as the page compares names: lower case, letters and digits only. */
export const normalise = (text) => String(text || '').toLowerCase().replace(/[^a-z0-9]+/g, '');
