import { describe, expect, it } from 'vitest';
import { html, jsonForScript, raw } from './html.ts';

describe('html', () => {
  it('escapes interpolated text so user input cannot inject markup', () => {
    const title = '<script>alert("x")</script> & \'more\'';
    expect(html`<h1>${title}</h1>`.value).toBe(
      '<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;</h1>',
    );
  });
  it('keeps nested templates and arrays as markup, and drops null, undefined and false', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
    expect(html`${raw('<b>ok</b>')}`.value).toBe('<b>ok</b>');
  });
  it('keeps JSON-LD from closing its script tag', () => {
    expect(jsonForScript({ name: '</script><script>' }).value).not.toContain('</script>');
  });
});
