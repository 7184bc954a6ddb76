// The `data_visualization` block drawn as SVG: line, area and bar charts over
// axis_config.categories (one data point per category and series), and pie charts of segments.
// Shape: {type: "data_visualization", title, chart: {type: "line"|"bar"|"area",
//   series: [{name, data: [{label, value}]}], axis_config: {categories, x_label?, y_label?}}
//   | {type: "pie", segments: [{label, value}]}}.

const NS = "http://www.w3.org/2000/svg";
export const PALETTE = ["#1264a3", "#2bac76", "#e8912d", "#e01e5a", "#8a56c2", "#36c5f0"];

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Round axis ticks covering [lo, hi]. */
export function niceTicks(lo, hi, count = 5) {
  if (lo === hi) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const start = Math.floor(lo / step) * step;
  const ticks = [];
  for (let t = start; t <= hi + step * 0.5; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function shortNumber(n) {
  const abs = Math.abs(n);
  const fmt = (v, s) => `${Number(v.toFixed(v < 10 ? 2 : 1))}${s}`;
  if (abs >= 1e9) return fmt(n / 1e9, "B");
  if (abs >= 1e6) return fmt(n / 1e6, "M");
  if (abs >= 1e4) return fmt(n / 1e3, "K");
  return String(Number(n.toFixed(2)));
}

function valuesBySeries(chart) {
  const categories = chart.axis_config?.categories?.length
    ? chart.axis_config.categories
    : [...new Set((chart.series || []).flatMap((s) => (s.data || []).map((d) => d.label)))];
  const series = (chart.series || []).map((s) => {
    const byLabel = new Map((s.data || []).map((d) => [String(d.label), Number(d.value)]));
    return { name: s.name, values: categories.map((c) => byLabel.get(String(c)) ?? null) };
  });
  return { categories, series };
}

function legend(names) {
  const box = document.createElement("div");
  box.className = "dv-legend";
  names.forEach((name, i) => {
    const item = document.createElement("span");
    item.className = "dv-legend-item";
    const swatch = document.createElement("i");
    swatch.style.background = PALETTE[i % PALETTE.length];
    item.append(swatch, document.createTextNode(name));
    box.append(item);
  });
  return box;
}

function xyChart(chart) {
  const { categories, series } = valuesBySeries(chart);
  const W = 560;
  const H = 260;
  const pad = { l: 56, r: 16, t: 12, b: chart.axis_config?.x_label ? 54 : 36 };
  const all = series.flatMap((s) => s.values).filter((v) => v !== null);
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  const ticks = niceTicks(lo, hi);
  const y0 = ticks[0];
  const y1 = ticks[ticks.length - 1];
  const plotW = W - pad.l - pad.r;
  const plotH = H - pad.t - pad.b;
  const y = (v) => pad.t + plotH - ((v - y0) / (y1 - y0 || 1)) * plotH;
  const band = plotW / Math.max(categories.length, 1);
  const xMid = (i) => pad.l + band * i + band / 2;
  const root = svg("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: `dv-svg dv-${chart.type}`,
    role: "img",
    "data-chart-type": chart.type,
  });
  for (const t of ticks) {
    root.append(svg("line", { x1: pad.l, x2: W - pad.r, y1: y(t), y2: y(t), class: "dv-grid" }));
    root.append(svg("text", { x: pad.l - 6, y: y(t) + 4, "text-anchor": "end", class: "dv-tick" }, shortNumber(t)));
  }
  const every = Math.ceil(categories.length / 10);
  categories.forEach((c, i) => {
    if (i % every) return;
    root.append(svg("text", { x: xMid(i), y: H - pad.b + 16, "text-anchor": "middle", class: "dv-tick" }, c));
  });
  if (chart.axis_config?.x_label) {
    root.append(svg("text", { x: pad.l + plotW / 2, y: H - 8, "text-anchor": "middle", class: "dv-axis-label" }, chart.axis_config.x_label));
  }
  if (chart.axis_config?.y_label) {
    root.append(svg("text", { x: 12, y: pad.t + plotH / 2, "text-anchor": "middle", class: "dv-axis-label", transform: `rotate(-90 12 ${pad.t + plotH / 2})` }, chart.axis_config.y_label));
  }
  if (chart.type === "bar") {
    const inner = band * 0.7;
    const barW = inner / Math.max(series.length, 1);
    series.forEach((s, si) => {
      s.values.forEach((v, i) => {
        if (v === null) return;
        const x = pad.l + band * i + (band - inner) / 2 + barW * si;
        const top = Math.min(y(v), y(0));
        const bar = svg("rect", {
          x,
          y: top,
          width: Math.max(barW - 2, 1),
          height: Math.max(Math.abs(y(v) - y(0)), 1),
          fill: PALETTE[si % PALETTE.length],
          class: "dv-bar",
        });
        bar.append(svg("title", {}, `${s.name} · ${categories[i]}: ${v}`));
        root.append(bar);
      });
    });
  } else {
    // Area series are layered in array order, the first at the back.
    series.forEach((s, si) => {
      const color = PALETTE[si % PALETTE.length];
      const pts = s.values.map((v, i) => (v === null ? null : [xMid(i), y(v)])).filter(Boolean);
      if (!pts.length) return;
      const path = pts.map((p, i) => `${i ? "L" : "M"}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(" ");
      if (chart.type === "area") {
        const base = y(Math.max(y0, 0));
        root.append(svg("path", { d: `${path} L${pts[pts.length - 1][0]},${base} L${pts[0][0]},${base} Z`, fill: color, "fill-opacity": 0.25, class: "dv-area" }));
      }
      root.append(svg("path", { d: path, fill: "none", stroke: color, "stroke-width": 2.5, class: "dv-line" }));
      pts.forEach((p, i) => {
        const dot = svg("circle", { cx: p[0], cy: p[1], r: 3.5, fill: color, class: "dv-point" });
        dot.append(svg("title", {}, `${s.name}: ${s.values.filter((v) => v !== null)[i]}`));
        root.append(dot);
      });
    });
  }
  root.append(svg("line", { x1: pad.l, x2: W - pad.r, y1: y(Math.max(y0, 0)), y2: y(Math.max(y0, 0)), class: "dv-axis" }));
  return { root, names: series.map((s) => s.name) };
}

function pieChart(chart) {
  const segments = (chart.segments || []).filter((s) => Number(s.value) > 0);
  const total = segments.reduce((sum, s) => sum + Number(s.value), 0) || 1;
  const R = 100;
  const C = 120;
  const root = svg("svg", { viewBox: "0 0 240 240", class: "dv-svg dv-pie", role: "img", "data-chart-type": "pie" });
  let angle = -Math.PI / 2;
  segments.forEach((s, i) => {
    const share = Number(s.value) / total;
    const end = angle + share * 2 * Math.PI;
    const color = PALETTE[i % PALETTE.length];
    let shape;
    if (share >= 0.9999) {
      shape = svg("circle", { cx: C, cy: C, r: R, fill: color, class: "dv-slice" });
    } else {
      const [x1, y1] = [C + R * Math.cos(angle), C + R * Math.sin(angle)];
      const [x2, y2] = [C + R * Math.cos(end), C + R * Math.sin(end)];
      const large = share > 0.5 ? 1 : 0;
      shape = svg("path", { d: `M${C},${C} L${x1},${y1} A${R},${R} 0 ${large} 1 ${x2},${y2} Z`, fill: color, class: "dv-slice" });
    }
    shape.append(svg("title", {}, `${s.label}: ${s.value} (${Math.round(share * 100)}%)`));
    root.append(shape);
    angle = end;
  });
  return { root, names: segments.map((s) => `${s.label} (${Math.round((Number(s.value) / total) * 100)}%)`) };
}

/** The whole block: title, SVG, legend. */
export function renderDataVisualization(block) {
  const box = document.createElement("figure");
  box.className = "bk-data-visualization";
  const title = document.createElement("figcaption");
  title.className = "dv-title";
  title.textContent = block.title || "";
  box.append(title);
  const chart = block.chart || {};
  try {
    const { root, names } = chart.type === "pie" ? pieChart(chart) : xyChart(chart);
    box.append(root, legend(names));
  } catch (err) {
    const fail = document.createElement("div");
    fail.className = "bk-unsupported";
    fail.textContent = `This chart could not be drawn: ${err.message}`;
    box.append(fail);
  }
  return box;
}
