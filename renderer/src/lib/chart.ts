/**
 * The usage charts, drawn with Chart.js (https://www.chartjs.org). Why Chart.js: it is widely
 * used and maintained, MIT-licensed, tree-shakable (only the bar and line pieces below are
 * bundled), draws on a <canvas> with no eval and no injected <style> (so it runs under the
 * kiosk's CSP, `script-src 'self'; style-src 'self'`: it sizes the canvas through the CSSOM,
 * which the CSP allows), and it supports right-to-left legends and reversed axes for Arabic.
 * The canvas is decorative for assistive technology: every figure is also in a table beside it.
 *
 * Kept in its own module so component tests (jsdom has no canvas) can replace it.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Filler, Legend, Tooltip);

export interface UsageChartColours {
  line: string;
  fill: string;
  bar: string;
  allowance: string;
  grid: string;
  ink: string;
  surface: string;
}

export interface UsageChartInput {
  /** One label per day of the cycle. */
  labels: string[];
  /** Use on each day (null: still to come). */
  daily: (number | null)[];
  /** Running total (null: still to come). */
  cumulative: (number | null)[];
  /** The allowance line; null for none (unlimited, or paid per use). */
  allowance: number | null;
  names: { daily: string; cumulative: string; allowance: string };
  /** Writes an axis or tooltip value with its unit, in the customer's language. */
  format: (value: number) => string;
  rtl: boolean;
  locale: string;
  fontSize: number;
  fontFamily: string;
  colours: UsageChartColours;
}

export interface UsageChartHandle {
  destroy(): void;
}

function configuration(input: UsageChartInput): ChartConfiguration<'bar' | 'line', (number | null)[], string> {
  const { colours } = input;
  const font = { size: input.fontSize, family: input.fontFamily };
  const datasets: ChartConfiguration<'bar' | 'line', (number | null)[], string>['data']['datasets'] = [
    {
      type: 'line',
      label: input.names.cumulative,
      data: input.cumulative,
      borderColor: colours.line,
      backgroundColor: colours.fill,
      borderWidth: 4,
      fill: 'origin',
      pointStyle: 'line',
      pointRadius: 0,
      pointHitRadius: 12,
      tension: 0.15,
      order: 1,
    },
    {
      type: 'bar',
      label: input.names.daily,
      data: input.daily,
      backgroundColor: colours.bar,
      pointStyle: 'rect',
      borderRadius: 3,
      maxBarThickness: 28,
      order: 2,
    },
  ];
  if (input.allowance !== null) {
    datasets.push({
      type: 'line',
      label: input.names.allowance,
      data: input.labels.map(() => input.allowance),
      borderColor: colours.allowance,
      backgroundColor: colours.allowance,
      borderWidth: 3,
      borderDash: [12, 8],
      pointStyle: 'dash',
      pointRadius: 0,
      pointHitRadius: 0,
      fill: false,
      order: 0,
    });
  }
  return {
    type: 'bar',
    data: { labels: input.labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: input.locale,
      color: colours.ink,
      font,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: {
          reverse: input.rtl, // time runs the way the text reads
          grid: { display: false },
          border: { color: colours.grid },
          ticks: { color: colours.ink, font, maxRotation: 0, autoSkip: true, autoSkipPadding: 16 },
        },
        y: {
          position: input.rtl ? 'right' : 'left',
          beginAtZero: true,
          grid: { color: colours.grid },
          border: { color: colours.grid },
          ticks: { color: colours.ink, font, maxTicksLimit: 6, callback: (value) => input.format(Number(value)) },
        },
      },
      plugins: {
        legend: {
          position: 'bottom',
          rtl: input.rtl,
          textDirection: input.rtl ? 'rtl' : 'ltr',
          labels: { color: colours.ink, font, usePointStyle: true, pointStyleWidth: input.fontSize * 2, padding: input.fontSize },
        },
        tooltip: {
          rtl: input.rtl,
          textDirection: input.rtl ? 'rtl' : 'ltr',
          backgroundColor: colours.surface,
          titleColor: colours.ink,
          bodyColor: colours.ink,
          borderColor: colours.ink,
          borderWidth: 1,
          titleFont: font,
          bodyFont: font,
          callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${input.format(Number(item.raw))}` },
        },
      },
    },
  };
}

/** Draws one meter's chart on the canvas; destroy it before drawing again. */
export function drawUsageChart(canvas: HTMLCanvasElement, input: UsageChartInput): UsageChartHandle {
  const chart = new Chart(canvas, configuration(input));
  return { destroy: () => chart.destroy() };
}
