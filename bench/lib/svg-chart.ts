export interface ChartSeries {
  name: string;
  color: string;
  /** Drawn joined by a line (a parameter sweep) or as lone points (one setting each). */
  line: boolean;
  points: { x: number; y: number; label?: string }[];
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A dependency-free scatter/line chart with a logarithmic x axis (latencies span three orders of
 * magnitude between HNSW and exact scans) and a linear y axis, as standalone SVG text.
 */
export function logXChart(options: { title: string; xLabel: string; yLabel: string; yMin: number; series: ChartSeries[] }): string {
  const width = 760;
  const height = 460;
  const margin = { left: 70, right: 200, top: 40, bottom: 55 };
  const xs = options.series.flatMap((series) => series.points.map((point) => point.x)).filter((x) => x > 0);
  const xMin = 10 ** Math.floor(Math.log10(Math.min(...xs)));
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(...xs)));
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const px = (x: number) => margin.left + ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * plotWidth;
  const py = (y: number) => margin.top + (1 - (y - options.yMin) / (1 - options.yMin)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2 - margin.right / 2}" y="22" text-anchor="middle" font-size="14">${escape(options.title)}</text>`,
  ];
  for (let decade = xMin; decade <= xMax * 1.0001; decade *= 10) {
    parts.push(`<line x1="${px(decade)}" y1="${margin.top}" x2="${px(decade)}" y2="${margin.top + plotHeight}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${px(decade)}" y="${margin.top + plotHeight + 18}" text-anchor="middle">${decade >= 1 ? decade.toFixed(0) : decade.toPrecision(1)}</text>`,
    );
  }
  const yStep = (1 - options.yMin) / 5;
  for (let i = 0; i <= 5; i++) {
    const y = options.yMin + i * yStep;
    parts.push(`<line x1="${margin.left}" y1="${py(y)}" x2="${margin.left + plotWidth}" y2="${py(y)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${py(y) + 4}" text-anchor="end">${y.toFixed(3)}</text>`);
  }
  parts.push(`<text x="${margin.left + plotWidth / 2}" y="${height - 12}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`);
  options.series.forEach((series, index) => {
    const points = series.points.filter((point) => point.x > 0 && point.y >= options.yMin);
    if (series.line && points.length > 1) {
      parts.push(
        `<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${points.map((point) => `${px(point.x).toFixed(1)},${py(point.y).toFixed(1)}`).join(' ')}"/>`,
      );
    }
    for (const point of points) {
      parts.push(`<circle cx="${px(point.x).toFixed(1)}" cy="${py(point.y).toFixed(1)}" r="4" fill="${series.color}"/>`);
      if (point.label)
        parts.push(
          `<text x="${(px(point.x) + 6).toFixed(1)}" y="${(py(point.y) - 6).toFixed(1)}" font-size="10" fill="${series.color}">${escape(point.label)}</text>`,
        );
    }
    const legendY = margin.top + 10 + index * 18;
    parts.push(`<circle cx="${width - margin.right + 20}" cy="${legendY}" r="4" fill="${series.color}"/>`);
    parts.push(`<text x="${width - margin.right + 30}" y="${legendY + 4}">${escape(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
