import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface OutcomeSeries {
  /** Day starts, in seconds since the epoch (uPlot's x). */
  days: number[];
  succeeded: number[];
  failed: number[];
}

/** 30 days of outcomes as two lines, resized with its container. */
export function OutcomesChart({ series, label }: { series: OutcomeSeries; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const width = () => Math.max(280, element.clientWidth);
    const plot = new uPlot(
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
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => plot.setSize({ width: width(), height: 240 })) : undefined;
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      plot.destroy();
    };
  }, [series]);
  return <div ref={host} class="chart" role="img" aria-label={label} />;
}
