// Stripping what the Allure template loads from outside, and detecting anything left.
import { describe, expect, it } from 'vitest';
import { findExternalResources, stripExternalResources } from '../../reports/allure-html.ts';

const TEMPLATE_TAIL = `<script src="data:text/javascript;base64,AAAA"></script>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
    </script>
    <script async>
      window.allureReportDataReady = false;
    </script>`;

describe('stripExternalResources', () => {
  it('removes the analytics tag and its inline code, keeps the report scripts', () => {
    const html = stripExternalResources(TEMPLATE_TAIL);
    expect(html).not.toContain('googletagmanager');
    expect(html).not.toContain('gtag(');
    expect(html).toContain('data:text/javascript;base64,AAAA');
    expect(html).toContain('window.allureReportDataReady = false;');
    expect(findExternalResources(html)).toEqual([]);
  });

  it('removes external scripts and stylesheets of any host, protocol-relative too', () => {
    const html = stripExternalResources(
      `<link rel="stylesheet" href="https://cdn.example.com/a.css"><script src='http://x.example/a.js'></script><script src=//y.example/b.js></script><link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E">`,
    );
    expect(html).toBe(`<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E">`);
    expect(findExternalResources(html)).toEqual([]);
  });

  it('findExternalResources reports each kind of leak', () => {
    expect(findExternalResources('<script src="https://a/b.js"></script>')).toHaveLength(1);
    expect(findExternalResources('<link href="http://a/b.css">')).toHaveLength(1);
    expect(findExternalResources('<script>gtag("config")</script>')).toHaveLength(1);
    expect(findExternalResources('<a href="https://example.com">docs</a>')).toEqual([]);
  });
});
