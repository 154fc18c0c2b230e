  // ---------------------------------------------------------------- styles
  // Two kinds of CSS. DOC_CSS goes into the document once (<style id="lp-crowd-style">): the
  // colour variables (custom properties inherit into shadow roots), how each crowd element's host
  // box displays (template CSS can override these), and the few things the bundle puts in the
  // light DOM (the Submit bar of a page without crowd-form, messages next to native fields, the
  // "time is up" banner, the dialogs that wrap the author's content; addDocCss). Everything an element draws lives in its shadow root and is styled by
  // one shared sheet built from SHADOW_CSS: this file adds the shared rules and each family file
  // adds its own with addShadowCss(...) at its top. The sheet is adopted by every shadow root
  // (constructable stylesheet; a <style> copy where the browser has none). Template CSS reaches
  // the internals only through the `part` names each element exposes (crowd-x::part(name)).
  const BTN_CSS = `
.lp-link{background:none;border:0;padding:0;color:var(--lp-accent);text-decoration:underline;cursor:pointer;font:inherit}
.lp-btn{display:inline-flex;align-items:center;gap:.4rem;min-height:2.4rem;padding:.45rem 1rem;border-radius:var(--lp-r);border:1px solid var(--lp-line);background:var(--lp-bg);color:var(--lp-ink);font:inherit;font-family:var(--lp-font);font-weight:600;cursor:pointer}
.lp-btn:hover:not(:disabled){border-color:var(--lp-accent)}
.lp-btn.lp-primary{background:var(--lp-accent);border-color:var(--lp-accent);color:var(--lp-accent-ink)}
.lp-btn.lp-primary:hover:not(:disabled){background:#1c47a8}
.lp-btn.lp-linkish{border-color:transparent;background:none;color:var(--lp-accent);text-decoration:underline}
.lp-btn:disabled{opacity:.55;cursor:not-allowed}
.lp-btn.lp-small{min-height:1.9rem;padding:.2rem .6rem;font-size:.875rem}
.lp-actions{display:flex;justify-content:flex-end;gap:.75rem;margin:1.25rem 0 .5rem}
.lp-err{color:var(--lp-err);font-size:.9rem;font-weight:600;margin-top:.35rem}
.lp-err:empty{display:none}
.lp-err::before{content:"\\26A0\\FE0E  "}
.lp-invalid{border-color:var(--lp-err)!important;box-shadow:0 0 0 1px var(--lp-err)}
`;
  const DOC_CSS = [`
:root{--lp-accent:#2456c4;--lp-accent-ink:#fff;--lp-accent-soft:#e9f0ff;--lp-ink:#1c2430;--lp-muted:#566171;--lp-line:#c5cedb;--lp-panel:#f5f7fa;--lp-bg:#fff;--lp-err:#b42318;--lp-err-soft:#fef3f2;--lp-ok:#0f6b3a;--lp-ok-soft:#ecfdf3;--lp-warn:#8a4b00;--lp-warn-soft:#fffaeb;--lp-r:8px;--lp-font:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
crowd-form{display:block;font-family:var(--lp-font);color:var(--lp-ink);line-height:1.45}
crowd-classifier,crowd-classifier-multi-select,crowd-image-classifier,crowd-image-classifier-multi-select,crowd-bounding-box,crowd-keypoint,crowd-polygon,crowd-line,crowd-polyline,crowd-semantic-segmentation,crowd-instance-segmentation,crowd-entity-annotation,crowd-rekognition-detect-moderation-labels,crowd-textract-analyze-document,crowd-input,crowd-text-area,crowd-slider,crowd-alert,crowd-card,crowd-tabs,crowd-tab,crowd-radio-group,short-instructions,classification-target,worker-comment{display:block;font-family:var(--lp-font);color:var(--lp-ink)}
crowd-button,crowd-badge,crowd-icon-button,crowd-checkbox,crowd-radio-button,crowd-toggle-button{display:inline-block;font-family:var(--lp-font)}
full-instructions:not([data-lp-ready]),crowd-modal:not([data-lp-ready]),crowd-instructions:not([data-lp-ready]),crowd-toast:not([data-lp-ready]){display:none}
short-instructions{display:block}
classification-target{display:block;padding:1rem;border:1px solid var(--lp-line);border-radius:var(--lp-r);background:var(--lp-bg);overflow-wrap:anywhere}
crowd-radio-group{display:flex;flex-wrap:wrap;gap:.25rem 0;border:0;padding:0}
crowd-tab{padding:.75rem 0}
.lp-expired{position:sticky;top:0;z-index:60;background:var(--lp-err);color:#fff;padding:.8rem 1rem;font:600 1rem/1.4 var(--lp-font);border-radius:0 0 var(--lp-r) var(--lp-r)}
:is(crowd-tab,crowd-alert,crowd-toast,crowd-badge)[hidden],[class^="lp-"][hidden],[class*=" lp-"][hidden]{display:none!important}
short-summary,detailed-instructions,positive-example,negative-example{display:block}
worker-comment{margin-top:.5rem}
`, BTN_CSS];
  const SHADOW_CSS = [BTN_CSS + `
[data-lp]:focus-visible,.lp-stage:focus-visible,.lp-ea-text:focus-visible{outline:3px solid var(--lp-accent);outline-offset:2px}
[data-lp]:focus:not(:focus-visible){outline:none}
.lp-task{display:grid;grid-template-columns:auto minmax(0,1fr);gap:1.25rem;align-items:start;margin:.5rem 0 1rem}
.lp-task.lp-wide{grid-template-columns:minmax(0,1fr)}
.lp-side{box-sizing:border-box;width:17rem;max-width:40vw;background:var(--lp-panel);border:1px solid var(--lp-line);border-radius:var(--lp-r);padding:.85rem 1rem;font-size:.95rem}
@media (max-width:760px){.lp-task{grid-template-columns:minmax(0,1fr)}.lp-side{width:auto;max-width:none}}
.lp-side>*+*{margin-top:.6rem}
.lp-main{min-width:0}
.lp-main>*+*{margin-top:.85rem}
.lp-header{font-size:1.15rem;font-weight:650;margin:0 0 .25rem}
.lp-region-title{font-size:1rem;font-weight:650;margin:0 0 .35rem}
.lp-extra:empty{display:none}
.lp-elerr{border:1px solid var(--lp-err);background:var(--lp-err-soft);color:var(--lp-err);border-radius:var(--lp-r);padding:.6rem .8rem;font-weight:600}
.lp-field{display:flex;flex-direction:column;gap:.3rem;margin:.35rem 0}
.lp-label{font-weight:600;font-size:.95rem}
.lp-req{color:var(--lp-err);margin-left:.15rem}
.lp-text{font:inherit;color:var(--lp-ink);background:var(--lp-bg);border:1px solid var(--lp-line);border-radius:6px;padding:.5rem .65rem;min-height:2.4rem;box-sizing:border-box;width:100%}
.lp-text:focus{border-color:var(--lp-accent);outline:none;box-shadow:0 0 0 3px rgba(36,86,196,.25)}
.lp-text:disabled{background:var(--lp-panel);color:var(--lp-muted)}
textarea.lp-text{resize:vertical;line-height:1.4}
.lp-counter{font-size:.8rem;color:var(--lp-muted);align-self:flex-end}
.lp-x{background:none;border:0;font-size:1.25rem;line-height:1;cursor:pointer;color:inherit;padding:.1rem .35rem;border-radius:4px}
.lp-badge{display:inline-flex;align-items:center;gap:.25rem;border-radius:999px;padding:.05rem .55rem;font-size:.8rem;font-weight:700;background:var(--lp-accent);color:#fff;vertical-align:middle}
.lp-badge.lp-soft{background:var(--lp-accent-soft);color:var(--lp-accent)}
.lp-badge.lp-warnb{background:var(--lp-warn-soft);color:var(--lp-warn)}
.lp-hint{font-size:.88rem;color:var(--lp-muted)}
:host([hidden]),[class^="lp-"][hidden],[class*=" lp-"][hidden]{display:none!important}
crowd-form{display:block}
h2,h3,h4{line-height:1.25}
`];
  // For the few rules that must also hold in the light DOM (the dialogs of crowd-modal & co).
  function addDocCss(css) { DOC_CSS.push(css); }
  function addShadowCss(css) {
    SHADOW_CSS.push(css);
    if (shadowSheet) shadowSheet.replaceSync(SHADOW_CSS.join('\n'));
  }
  let shadowSheet = null;
  const canAdopt = (() => {
    try { return 'adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype && !!new CSSStyleSheet(); } catch (_) { return false; }
  })();
  // Gives a new shadow root the shared sheet (family files have all run by the time elements render).
  function adoptStyles(root) {
    if (canAdopt) {
      if (!shadowSheet) { shadowSheet = new CSSStyleSheet(); shadowSheet.replaceSync(SHADOW_CSS.join('\n')); }
      root.adoptedStyleSheets = [shadowSheet];
    } else {
      root.append(h('style', { 'data-lp-style': '', text: SHADOW_CSS.join('\n') }));
    }
  }
  function injectStyle() {
    if (D.getElementById('lp-crowd-style')) return;
    const st = h('style', { id: 'lp-crowd-style', text: DOC_CSS.join('\n') });
    (D.head || D.documentElement).appendChild(st);
  }
