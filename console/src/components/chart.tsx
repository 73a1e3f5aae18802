import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlotType from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { isUsableLocale } from '../format';

export interface OutcomeSeries {
  /** Day starts, in seconds since the epoch (uPlot's x). */
  days: number[];
  succeeded: number[];
  failed: number[];
}

let loaded: Promise<typeof uPlotType> | undefined;

/**
 * uPlot, evaluated on first use. It builds an Intl.NumberFormat of
 * navigator.language as it loads, which throws for a tag Intl refuses
 * (`en-US@posix`): such a tag is replaced by en-US for this page first.
 */
function loadUPlot(): Promise<typeof uPlotType> {
  loaded ??= (async () => {
    const nav = globalThis.navigator;
    if (nav && !isUsableLocale(nav.language)) {
      Object.defineProperty(nav, 'language', { value: 'en-US', configurable: true });
    }
    return (await import('uplot')).default;
  })();
  return loaded;
}

/** 30 days of outcomes as two lines, resized with its container. */
export function OutcomesChart({ series, label }: { series: OutcomeSeries; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let plot: uPlotType | undefined;
    let observer: ResizeObserver | undefined;
    let gone = false;
    const width = () => Math.max(280, element.clientWidth);
    loadUPlot()
      .then((UPlot) => {
        if (gone) return;
        plot = new UPlot(
          {
            width: width(),
            height: 240,
            series: [
              {},
              { label: 'Succeeded', stroke: '#1b6e2e', width: 2, fill: 'rgba(27,110,46,0.08)' },
              { label: 'Failed', stroke: '#a4161a', width: 2, dash: [6, 4] },
            ],
            axes: [{ stroke: '#1a1a1a' }, { stroke: '#1a1a1a' }],
            scales: { x: { time: true } },
          },
          [series.days, series.succeeded, series.failed],
          element,
        );
        if (typeof ResizeObserver === 'function') {
          observer = new ResizeObserver(() => plot?.setSize({ width: width(), height: 240 }));
          observer.observe(element);
        }
      })
      // The chart is extra: the totals above it say the same; the page stays.
      .catch((error: unknown) => setFailure((error as Error).message));
    return () => {
      gone = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [series]);
  return (
    <>
      {failure && (
        <p role="alert" class="alert">
          <strong>console_error</strong>: the chart could not be drawn: {failure}
        </p>
      )}
      <div ref={host} class="chart" role="img" aria-label={label} />
    </>
  );
}
