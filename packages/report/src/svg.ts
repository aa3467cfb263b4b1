/** Small helpers for SVG written as text: every piece of account text passes through `text()` or `attr()`. */
import { escapeHtml, singleLine, truncateText } from '@podnet-guard/core';

/** Escaped element content: untrusted text becomes inert (`<img …>` shows as text). */
export function text(value: string | number): string {
  return escapeHtml(singleLine(String(value)));
}

/** Escaped, cut to `max` characters (the full value goes into a `<title>` tooltip). */
export function shortText(value: string, max: number): string {
  return escapeHtml(truncateText(singleLine(value), max));
}

/** An attribute value for a double-quoted attribute. */
export function attr(value: string | number): string {
  return escapeHtml(singleLine(String(value)));
}

/** A number for coordinates: rounded so the markup stays short and stable. */
export function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Wraps SVG content with a viewBox and an accessible title; width follows the container. */
export function svgDocument(
  options: { width: number; height: number; title: string; className: string },
  body: string,
) {
  const { width, height, title, className } = options;
  return `<svg class="${attr(className)}" viewBox="0 0 ${n(width)} ${n(height)}" width="${n(width)}" height="${n(height)}" role="img" aria-label="${attr(title)}" xmlns="http://www.w3.org/2000/svg"><title>${text(title)}</title>${body}</svg>`;
}
