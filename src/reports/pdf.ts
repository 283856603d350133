/**
 * HTML → PDF with the system's headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM_PATH).
 * When no Chromium is installed the caller gets a PdfUnavailableError saying so, never a crash.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export class PdfUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfUnavailableError';
  }
}

/** The Chromium binary to use, or undefined when none is installed. */
export function chromiumPath(
  env: NodeJS.ProcessEnv = process.env,
  defaults: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
): string | undefined {
  const candidates = [env.CHROMIUM_PATH, ...defaults].filter((p): p is string => !!p);
  return candidates.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// One Chromium at a time: each print starts a browser, and the node shares its cores.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Renders a self-contained HTML page to an A4 PDF (the page's own @page rules apply); prints run one
 * after another. Throws PdfUnavailableError when no Chromium is installed.
 */
export function htmlToPdf(
  html: string,
  opts: { chromium?: string; timeoutMs?: number } = {},
): Promise<Buffer> {
  const run = queue.then(
    () => printPdf(html, opts),
    () => printPdf(html, opts),
  );
  queue = run.catch(() => undefined);
  return run;
}

async function printPdf(html: string, opts: { chromium?: string; timeoutMs?: number } = {}): Promise<Buffer> {
  const bin =
    opts.chromium !== undefined ? chromiumPath({ CHROMIUM_PATH: opts.chromium }, []) : chromiumPath();
  if (!bin)
    throw new PdfUnavailableError(
      'PDF needs Chromium, and none is installed (looked for $CHROMIUM_PATH, /usr/bin/chromium): install it (apt-get install chromium) or use format=html and print from a browser',
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-pdf-'));
  try {
    const input = path.join(dir, 'report.html');
    const output = path.join(dir, 'report.pdf');
    fs.writeFileSync(input, html);
    await new Promise<void>((resolve, reject) => {
      execFile(
        bin,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-pdf-header-footer',
          `--user-data-dir=${path.join(dir, 'profile')}`,
          `--print-to-pdf=${output}`,
          pathToFileURL(input).href,
        ],
        { timeout: opts.timeoutMs ?? 60_000 },
        (err, _stdout, stderr) => {
          if (err && !fs.existsSync(output))
            reject(
              new Error(`Chromium could not print the PDF: ${err.message}; ${String(stderr).slice(-300)}`),
            );
          else resolve();
        },
      );
    });
    const pdf = fs.readFileSync(output);
    if (pdf.subarray(0, 4).toString('latin1') !== '%PDF')
      throw new Error('Chromium wrote something that is not a PDF');
    return pdf;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
