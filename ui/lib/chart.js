// Small SVG charts drawn here, from the numbers given (nothing loaded from anywhere): a line
// for a figure month by month, bars for a few values side by side. Every chart has a title for
// screen readers and writes its numbers the way the window writes them.

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/**
 * A line over months: `points` = [{ label, value }] (value null = no data that month);
 * `min`/`max` the axis; `format(value)` the labels.
 */
export function lineChart({ title, points, min, max, format, width = 360, height = 150 }) {
  const pad = { left: 46, right: 16, top: 12, bottom: 26 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const x = (i) => pad.left + (points.length <= 1 ? w / 2 : (i * w) / (points.length - 1));
  const y = (v) => pad.top + h - ((v - min) / (max - min || 1)) * h;
  const known = points.map((p, i) => [i, p.value]).filter(([, v]) => v != null);
  // The line breaks where a month has no data.
  const segments = [];
  let current = [];
  points.forEach((p, i) => {
    if (p.value == null) {
      if (current.length) segments.push(current);
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (current.length) segments.push(current);
  const every = Math.ceil(points.length / 6);
  return svg(
    "svg",
    { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title },
    svg("title", {}, title),
    [min, (min + max) / 2, max].map((v) =>
      svg("g", {}, svg("line", { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: "chart-rule" }), svg("text", { x: pad.left - 6, y: y(v) + 4, "text-anchor": "end", class: "chart-label" }, format(v))),
    ),
    segments.map((s) => (s.length > 1 ? svg("polyline", { points: s.join(" "), class: "chart-line" }) : null)),
    known.map(([i, v]) => svg("circle", { cx: x(i), cy: y(v), r: 3.5, class: "chart-dot" }, svg("title", {}, `${points[i].label}: ${format(v)}`))),
    // Every `every`th month, counted back from the last, so the newest is always labelled.
    points.map((p, i) => ((points.length - 1 - i) % every === 0 ? svg("text", { x: x(i), y: height - 8, "text-anchor": "middle", class: "chart-label" }, p.label) : null)),
  );
}

/** Horizontal bars: `bars` = [{ label, value }] on a 0..`max` scale, `format(value)` shown. */
export function barChart({ title, bars, max, format, width = 360 }) {
  const row = 26;
  const labelW = 150;
  const height = bars.length * row + 6;
  const w = width - labelW - 48;
  return svg(
    "svg",
    { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title },
    svg("title", {}, title),
    bars.map((b, i) => {
      const top = i * row + 4;
      const len = b.value == null ? 0 : Math.max(2, (b.value / (max || 1)) * w);
      return svg(
        "g",
        { class: b.low ? "chart-bar--low" : null },
        svg("text", { x: labelW - 8, y: top + 14, "text-anchor": "end", class: "chart-label" }, b.label),
        svg("rect", { x: labelW, y: top + 2, width: len, height: row - 10, rx: 3, class: "chart-bar" }),
        svg("text", { x: labelW + len + 6, y: top + 14, class: "chart-value" }, b.value == null ? "—" : format(b.value)),
      );
    }),
  );
}
