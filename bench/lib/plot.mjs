// docs/benchmarks-growth.svg: cost against list size, four log-log panels (check round trip,
// check_batch, cold start, import), written by hand: no plotting package needed.

const COLORS = { netral: '#c62828', echo: '#757575', python: '#1565c0', sqlite3: '#2e7d32', minisign: '#6a1b9a' };
const esc = (text) => String(text).replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' }[c]));

function ticks(lo, hi) {
  const out = [];
  for (let decade = Math.floor(Math.log10(lo)); decade <= Math.ceil(Math.log10(hi)); decade++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** decade;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

function label(v, unit) {
  if (unit === 'entries') return v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v);
  return `${Number(v.toPrecision(3))}`;
}

/** One panel at (X, Y) of W×H: series [{name, dash, points: [[entries, value]]}]. */
function panel(x, y, w, h, title, unit, series) {
  const left = 52;
  const bottom = 30;
  const top = 26;
  const legend = 118;   // the legend sits right of the plot, over no line
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  // The y range: the 1-2-5 steps just outside the values.
  const steps = ticks(Math.min(...ys) / 10, Math.max(...ys) * 10);
  const y0 = [...steps].reverse().find((v) => v <= Math.min(...ys) / 1.2);
  const y1 = steps.find((v) => v >= Math.max(...ys) * 1.2);
  const right = x + w - legend;
  const px = (v) => x + left + ((Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0) || 1)) * (right - x - left - 10);
  const py = (v) => y + top + (1 - (Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * (h - top - bottom);
  const out = [`<text x="${x + left}" y="${y + 16}" font-weight="bold">${esc(title)}</text>`];
  for (const v of ticks(y0, y1)) {
    out.push(`<line x1="${x + left}" x2="${right - 10}" y1="${py(v)}" y2="${py(v)}" stroke="#e0e0e0"/>`,
      `<text x="${x + left - 4}" y="${py(v) + 4}" text-anchor="end" fill="#555">${label(v, unit)}</text>`);
  }
  for (const v of [...new Set(xs)]) {
    out.push(`<line x1="${px(v)}" x2="${px(v)}" y1="${y + top}" y2="${y + h - bottom}" stroke="#eeeeee"/>`,
      `<text x="${px(v)}" y="${y + h - bottom + 14}" text-anchor="middle" fill="#555">${label(v, 'entries')}</text>`);
  }
  out.push(`<text x="${x + 12}" y="${y + top + (h - top - bottom) / 2}" transform="rotate(-90 ${x + 12} ${y + top + (h - top - bottom) / 2})" text-anchor="middle" fill="#555">${esc(unit)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[s.name.split(' ')[0]] ?? '#000';
    const points = s.points.filter((p) => p[1] > 0).map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`);
    out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${s.dash ? ' stroke-dasharray="5,3"' : ''}/>`);
    for (const p of points) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${color}"/>`);
    const ly = y + top + 10 + i * 15;
    out.push(`<line x1="${right}" x2="${right + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dash ? ' stroke-dasharray="5,3"' : ''}/>`,
      `<text x="${right + 22}" y="${ly}" fill="#333">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

export function growthSvg(sizes) {
  const pts = (get) => sizes.map((s) => [s.entries, get(s)]);
  const W = 460;
  const H = 280;
  const panels = [
    panel(0, 0, W, H, 'check round trip over a pipe', 'ms', [
      { name: 'netral p50', points: pts((s) => s.check.netral.p50) },
      { name: 'netral p99', dash: true, points: pts((s) => s.check.netral.p99) },
      { name: 'echo p50', points: pts((s) => s.check.echo.p50) },
      { name: 'python p50', points: pts((s) => s.check.python.p50) },
    ]),
    panel(W, 0, W, H, 'check_batch of 100, p50', 'ms', [
      { name: 'netral', points: pts((s) => s.batch.netral.p50) },
      { name: 'python', points: pts((s) => s.batch.python.p50) },
      { name: 'echo', points: pts((s) => s.batch.echo.p50) },
    ]),
    panel(0, H, W, H, 'cold start to first reply, p50', 'ms', [
      { name: 'netral', points: pts((s) => s.cold.netral.p50) },
      { name: 'echo', points: pts((s) => s.cold.echo.p50) },
      { name: 'python', points: pts((s) => s.cold.python.p50) },
    ]),
    panel(W, H, W, H, 'import and verify (wall time)', 's', [
      { name: 'netral import', points: pts((s) => s.import.netral) },
      { name: 'sqlite3 import', points: pts((s) => s.import.sqlite3) },
      { name: 'netral verify', dash: true, points: pts((s) => s.verify.netral) },
      { name: 'minisign verify', dash: true, points: pts((s) => s.verify.minisign) },
    ]),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${2 * H + 24}" viewBox="0 0 ${2 * W} ${2 * H + 24}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
${panels.join('\n')}
<text x="${W}" y="${2 * H + 16}" text-anchor="middle" fill="#555">list size (entries), both axes logarithmic; generated by bench/run</text>
</svg>
`;
}
