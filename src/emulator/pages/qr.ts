import { renderSVG } from 'uqr'

/**
 * An `<svg>` QR code of `text` with a four-module quiet border (black on white, medium error
 * correction), sized by its container. The output contains no part of `text` as markup.
 */
export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: 'M', border: 4 }).replace(
    /^<svg /,
    '<svg role="img" aria-label="QR code" shape-rendering="crispEdges" ',
  )
}
