import { describe, expect, it } from 'vitest';
import { latexEscape, TEX_ROWS, toLatex, toMarkdown, type ReportDoc } from './document';

const doc: ReportDoc = {
  title: 'R&D 100%',
  sections: [{ heading: 'Results', blocks: [
    { kind: 'p', text: 'p ≤ 0.05 for q_1' },
    { kind: 'table', caption: 'T', headers: ['a|b', 'v'], align: ['l', 'r'], rows: [['x', 1], ['y', null]] },
    { kind: 'figure', path: 'figures/m.svg', caption: 'M' },
  ] }],
};

describe('report document', () => {
  it('escapes LaTeX specials and maps the few non-ASCII symbols reports use', () => {
    expect(latexEscape('a_b & 50% #1 $x^2 {y} ~ \\')).toBe('a\\_b \\& 50\\% \\#1 \\$x\\textasciicircum{}2 \\{y\\} \\textasciitilde{} \\textbackslash{}');
    expect(latexEscape('≤ − – ×')).toBe('$\\le$ - -- $\\times$');
    expect(latexEscape('é')).toBe('?');
  });
  it('renders Markdown tables, figures and escaped pipes', () => {
    const md = toMarkdown(doc);
    expect(md).toContain('| a\\|b | v |\n| --- | ---: |\n| x | 1 |\n| y | – |');
    expect(md).toContain('![M](figures/m.svg)');
  });
  it('renders LaTeX tables split every TEX_ROWS rows and figures that fall back to the SVG path', () => {
    const tex = toLatex(doc);
    expect(tex).toContain('\\title{R\\&D 100\\%}');
    expect(tex).toContain('\\begin{tabular}{l r}');
    expect(tex).toContain('x & 1 \\\\');
    expect(tex).toContain('\\IfFileExists{figures/m.pdf}');
    const long = toLatex({ title: 't', sections: [{ heading: 'h', blocks: [{ kind: 'table', caption: 'c', headers: ['n'], rows: Array.from({ length: TEX_ROWS + 1 }, (_, i) => [i]) }] }] });
    expect(long.match(/\\begin\{tabular\}/g)).toHaveLength(2);
    expect(long).toContain(`(rows ${TEX_ROWS + 1}--${TEX_ROWS + 1} of ${TEX_ROWS + 1})`);
  });
});
