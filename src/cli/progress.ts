/**
 * Progress of long CLI work on a terminal: done/total, rate and time left on one line that
 * rewrites itself; one plain line at the end (and nothing in between when output is a file or pipe).
 */
export interface Progress {
  tick(n?: number): void;
  done(note?: string): void;
}

export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  let count = 0;
  let lastDraw = 0;
  const line = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? count / seconds : 0;
    const left = rate > 0 ? Math.ceil((total - count) / rate) : null;
    return `${label}: ${count.toLocaleString('en')}/${total.toLocaleString('en')} (${rate.toFixed(rate < 10 ? 1 : 0)}/s${left !== null && count < total ? `, ${left} s left` : ''}, ${seconds.toFixed(1)} s)`;
  };
  return {
    tick(n = 1) {
      count += n;
      const now = performance.now();
      if (stream.isTTY && now - lastDraw > 200) {
        lastDraw = now;
        stream.write(`\r${line()}\u001b[K`);
      }
    },
    done(note) {
      const text = `${line()}${note ? ` ${note}` : ''}`;
      stream.write(stream.isTTY ? `\r${text}\u001b[K\n` : `${text}\n`);
    },
  };
}
