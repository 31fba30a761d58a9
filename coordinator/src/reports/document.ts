/*
 * A report as a small document model, rendered to Markdown or LaTeX. LaTeX output needs only
 * packages of texlive-latex-base (graphicx); tables are plain tabular, split every
 * TEX_ROWS rows so each fits a page; SVG figures are included as PDF when one was converted
 * beside them (rsvg-convert), else the figure's path is shown in a frame.
 */

export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; caption: string; headers: string[]; rows: (string | number | null)[][]; align?: ('l' | 'r')[] }
  | { kind: 'figure'; path: string; caption: string }
  | { kind: 'code'; text: string };

export interface Section { heading: string; blocks: Block[] }
export interface ReportDoc { title: string; sections: Section[] }

export const TEX_ROWS = 35;

const cell = (v: string | number | null) => (v === null ? '–' : String(v));

export function toMarkdown(doc: ReportDoc): string {
  const out: string[] = [`# ${doc.title}`, ''];
  for (const s of doc.sections) {
    out.push(`## ${s.heading}`, '');
    for (const b of s.blocks) {
      if (b.kind === 'p') out.push(b.text, '');
      else if (b.kind === 'list') out.push(...b.items.map((i) => `- ${i}`), '');
      else if (b.kind === 'code') out.push('```', b.text, '```', '');
      else if (b.kind === 'figure') out.push(`![${b.caption}](${b.path})`, '', `*${b.caption}*`, '');
      else {
        const align = b.align ?? b.headers.map(() => 'l' as const);
        const esc = (v: string | number | null) => cell(v).replace(/\|/g, '\\|');
        out.push(`**${b.caption}**`, '', `| ${b.headers.map(esc).join(' | ')} |`, `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`);
        for (const r of b.rows) out.push(`| ${r.map(esc).join(' | ')} |`);
        out.push('');
      }
    }
  }
  return out.join('\n');
}

const TEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}', '{': '\\{', '}': '\\}', '$': '\\$', '&': '\\&', '#': '\\#', '%': '\\%', '_': '\\_',
  '^': '\\textasciicircum{}', '~': '\\textasciitilde{}', '<': '\\textless{}', '>': '\\textgreater{}', '|': '\\textbar{}',
  '−': '-', '–': '--', '—': '---', '×': '$\\times$', '±': '$\\pm$', '≤': '$\\le$', '≥': '$\\ge$', 'α': '$\\alpha$', '·': '$\\cdot$', '…': '\\ldots{}', '→': '$\\to$',
};

/** Escapes text for LaTeX; characters outside ASCII without a mapping become '?'. */
export function latexEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const m = TEX_SPECIAL[ch];
    if (m !== undefined) out += m;
    else if (ch.charCodeAt(0) < 128) out += ch;
    else out += '?';
  }
  return out;
}

function texTable(b: Extract<Block, { kind: 'table' }>): string[] {
  const align = (b.align ?? b.headers.map(() => 'l')).join(' ');
  const out: string[] = [];
  for (let i = 0; i < Math.max(1, b.rows.length); i += TEX_ROWS) {
    const rows = b.rows.slice(i, i + TEX_ROWS);
    const part = b.rows.length > TEX_ROWS ? ` (rows ${i + 1}--${i + rows.length} of ${b.rows.length})` : '';
    out.push('\\begin{table}[htbp]', '\\centering', '\\small', `\\caption{${latexEscape(b.caption)}${part}}`, `\\begin{tabular}{${align}}`, '\\hline');
    out.push(`${b.headers.map((h) => `\\textbf{${latexEscape(h)}}`).join(' & ')} \\\\`, '\\hline');
    for (const r of rows) out.push(`${r.map((v) => latexEscape(cell(v))).join(' & ')} \\\\`);
    out.push('\\hline', '\\end{tabular}', '\\end{table}', '');
  }
  return out;
}

export function toLatex(doc: ReportDoc): string {
  const out: string[] = [
    '\\documentclass[10pt]{article}', '\\usepackage[T1]{fontenc}', '\\usepackage{graphicx}',
    '\\setlength{\\textwidth}{6.5in}', '\\setlength{\\oddsidemargin}{0in}', '\\setlength{\\textheight}{9in}', '\\setlength{\\topmargin}{-0.5in}',
    `\\title{${latexEscape(doc.title)}}`, '\\date{}', '\\begin{document}', '\\maketitle', '',
  ];
  for (const s of doc.sections) {
    out.push(`\\section{${latexEscape(s.heading)}}`, '');
    for (const b of s.blocks) {
      if (b.kind === 'p') out.push(latexEscape(b.text), '');
      else if (b.kind === 'list') out.push('\\begin{itemize}', ...b.items.map((i) => `\\item ${latexEscape(i)}`), '\\end{itemize}', '');
      else if (b.kind === 'code') out.push('\\begin{verbatim}', b.text.replace(/[^\x20-\x7e\n]/g, '?'), '\\end{verbatim}', '');
      else if (b.kind === 'figure') {
        const pdf = b.path.replace(/\.svg$/, '.pdf');
        out.push('\\begin{figure}[htbp]', '\\centering',
          `\\IfFileExists{${pdf}}{\\includegraphics[width=0.85\\linewidth]{${pdf}}}{\\fbox{\\parbox{0.8\\linewidth}{\\centering SVG figure \\texttt{${latexEscape(b.path)}}\\\\ (for PDF: rsvg-convert -f pdf -o ${latexEscape(pdf)} ${latexEscape(b.path)})}}}`,
          `\\caption{${latexEscape(b.caption)}}`, '\\end{figure}', '');
      } else out.push(...texTable(b));
    }
  }
  out.push('\\end{document}', '');
  return out.join('\n');
}
