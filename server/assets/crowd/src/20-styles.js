  // ---------------------------------------------------------------- styles (one <style> element)
  const CSS = `
:root{--lp-accent:#2456c4;--lp-accent-ink:#fff;--lp-accent-soft:#e9f0ff;--lp-ink:#1c2430;--lp-muted:#566171;--lp-line:#c5cedb;--lp-panel:#f5f7fa;--lp-bg:#fff;--lp-err:#b42318;--lp-err-soft:#fef3f2;--lp-ok:#0f6b3a;--lp-ok-soft:#ecfdf3;--lp-warn:#8a4b00;--lp-warn-soft:#fffaeb;--lp-r:8px;--lp-font:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
crowd-form{display:block;font-family:var(--lp-font);color:var(--lp-ink);line-height:1.45}
crowd-classifier,crowd-classifier-multi-select,crowd-image-classifier,crowd-image-classifier-multi-select,crowd-bounding-box,crowd-keypoint,crowd-polygon,crowd-entity-annotation,crowd-rekognition-detect-moderation-labels,crowd-textract-analyze-document,crowd-input,crowd-text-area,crowd-slider,crowd-alert,crowd-card,crowd-tabs,crowd-tab,crowd-radio-group,short-instructions,classification-target,worker-comment{display:block;font-family:var(--lp-font);color:var(--lp-ink)}
crowd-button,crowd-badge,crowd-icon-button,crowd-checkbox,crowd-radio-button,crowd-toggle-button{display:inline-block;font-family:var(--lp-font)}
full-instructions:not([data-lp-ready]),crowd-modal:not([data-lp-ready]),crowd-instructions:not([data-lp-ready]),crowd-toast:not([data-lp-ready]){display:none}
.lp-layer{font-family:var(--lp-font);color:var(--lp-ink)}
.lp-layer :where(h1,h2,h3,h4){line-height:1.25}
[data-lp]:focus-visible,.lp-stage:focus-visible,.lp-ea-text:focus-visible{outline:3px solid var(--lp-accent);outline-offset:2px}
[data-lp]:focus:not(:focus-visible){outline:none}
.lp-task{display:grid;grid-template-columns:minmax(12rem,17rem) minmax(0,1fr);gap:1.25rem;align-items:start;margin:.5rem 0 1rem}
.lp-task.lp-wide{grid-template-columns:minmax(0,1fr)}
@media (max-width:760px){.lp-task{grid-template-columns:minmax(0,1fr)}}
.lp-side{background:var(--lp-panel);border:1px solid var(--lp-line);border-radius:var(--lp-r);padding:.85rem 1rem;font-size:.95rem}
.lp-side>*+*{margin-top:.6rem}
.lp-main{min-width:0}
.lp-main>*+*{margin-top:.85rem}
.lp-header{font-size:1.15rem;font-weight:650;margin:0 0 .25rem}
.lp-region-title{font-size:1rem;font-weight:650;margin:0 0 .35rem}
short-instructions{display:block}
classification-target{display:block;padding:1rem;border:1px solid var(--lp-line);border-radius:var(--lp-r);background:var(--lp-bg);overflow-wrap:anywhere}
.lp-extra:empty{display:none}
.lp-link{background:none;border:0;padding:0;color:var(--lp-accent);text-decoration:underline;cursor:pointer;font:inherit}
.lp-btn{display:inline-flex;align-items:center;gap:.4rem;min-height:2.4rem;padding:.45rem 1rem;border-radius:var(--lp-r);border:1px solid var(--lp-line);background:var(--lp-bg);color:var(--lp-ink);font:inherit;font-family:var(--lp-font);font-weight:600;cursor:pointer}
.lp-btn:hover:not(:disabled){border-color:var(--lp-accent)}
.lp-btn.lp-primary{background:var(--lp-accent);border-color:var(--lp-accent);color:var(--lp-accent-ink)}
.lp-btn.lp-primary:hover:not(:disabled){background:#1c47a8}
.lp-btn.lp-linkish{border-color:transparent;background:none;color:var(--lp-accent);text-decoration:underline}
.lp-btn:disabled{opacity:.55;cursor:not-allowed}
.lp-btn.lp-small{min-height:1.9rem;padding:.2rem .6rem;font-size:.875rem}
.lp-actions{display:flex;justify-content:flex-end;gap:.75rem;margin:1.25rem 0 .5rem}
.lp-choices{display:flex;flex-wrap:wrap;gap:.5rem}
.lp-choice{display:inline-flex;align-items:center;gap:.5rem;min-height:2.6rem;padding:.45rem .9rem;border:1.5px solid var(--lp-line);border-radius:var(--lp-r);background:var(--lp-bg);color:var(--lp-ink);font:inherit;font-family:var(--lp-font);cursor:pointer;text-align:left}
.lp-choice:hover:not(:disabled){border-color:var(--lp-accent)}
.lp-choice.lp-on{background:var(--lp-accent);border-color:var(--lp-accent);color:var(--lp-accent-ink)}
.lp-choice.lp-excl{border-style:dashed}
.lp-choice:disabled{opacity:.55;cursor:not-allowed}
.lp-choice-sub{display:block;font-size:.8rem;opacity:.8}
.lp-swatch{width:.8rem;height:.8rem;border-radius:3px;flex:none;border:1px solid rgba(0,0,0,.25)}
.lp-key{display:none;min-width:1.3rem;padding:0 .25rem;border:1px solid currentColor;border-radius:4px;font:600 .75rem/1.2rem ui-monospace,SFMono-Regular,Menlo,monospace;text-align:center;opacity:.75}
.lp-show-keys .lp-key{display:inline-block}
.lp-err{color:var(--lp-err);font-size:.9rem;font-weight:600;margin-top:.35rem}
.lp-err:empty{display:none}
.lp-err::before{content:"\\26A0\\FE0E  "}
.lp-invalid{border-color:var(--lp-err)!important;box-shadow:0 0 0 1px var(--lp-err)}
.lp-elerr{border:1px solid var(--lp-err);background:var(--lp-err-soft);color:var(--lp-err);border-radius:var(--lp-r);padding:.6rem .8rem;font-weight:600}
.lp-field{display:flex;flex-direction:column;gap:.3rem;margin:.35rem 0}
.lp-label{font-weight:600;font-size:.95rem}
.lp-req{color:var(--lp-err);margin-left:.15rem}
.lp-text{font:inherit;color:var(--lp-ink);background:var(--lp-bg);border:1px solid var(--lp-line);border-radius:6px;padding:.5rem .65rem;min-height:2.4rem;box-sizing:border-box;width:100%}
.lp-text:focus{border-color:var(--lp-accent);outline:none;box-shadow:0 0 0 3px rgba(36,86,196,.25)}
.lp-text:disabled{background:var(--lp-panel);color:var(--lp-muted)}
textarea.lp-text{resize:vertical;line-height:1.4}
.lp-counter{font-size:.8rem;color:var(--lp-muted);align-self:flex-end}
.lp-check{display:inline-flex;align-items:center;gap:.5rem;cursor:pointer;min-height:2rem;margin-right:1rem}
.lp-check input{width:1.1rem;height:1.1rem;accent-color:var(--lp-accent);margin:0}
crowd-radio-group{display:flex;flex-wrap:wrap;gap:.25rem 0;border:0;padding:0}
.lp-switch{position:relative;width:2.6rem;height:1.5rem;border-radius:1rem;border:1.5px solid var(--lp-line);background:#dfe4ec;cursor:pointer;padding:0;flex:none}
.lp-switch::after{content:"";position:absolute;top:.12rem;left:.14rem;width:1.05rem;height:1.05rem;border-radius:50%;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.35);transition:transform .15s}
.lp-switch[aria-checked=true]{background:var(--lp-accent);border-color:var(--lp-accent)}
.lp-switch[aria-checked=true]::after{transform:translateX(1.1rem)}
.lp-switch.lp-invalid{border-color:var(--lp-err)}
.lp-slider{display:flex;align-items:center;gap:.75rem;flex-wrap:wrap}
.lp-slider input[type=range]{flex:1 1 12rem;accent-color:var(--lp-accent);min-height:1.8rem}
.lp-pin{min-width:2.5rem;text-align:center;font-weight:700;background:var(--lp-accent-soft);border-radius:6px;padding:.15rem .4rem}
.lp-slider .lp-text{width:6rem;flex:none}
.lp-alert{display:flex;gap:.75rem;align-items:flex-start;border:1px solid;border-radius:var(--lp-r);padding:.7rem .9rem;margin:.5rem 0}
.lp-alert-body{flex:1}
.lp-alert-info{background:var(--lp-accent-soft);border-color:#a9c0f0}
.lp-alert-success{background:var(--lp-ok-soft);border-color:#9ad7b4;color:var(--lp-ok)}
.lp-alert-warning{background:var(--lp-warn-soft);border-color:#f0cf87;color:var(--lp-warn)}
.lp-alert-error{background:var(--lp-err-soft);border-color:#f3aaa3;color:var(--lp-err)}
.lp-x{background:none;border:0;font-size:1.25rem;line-height:1;cursor:pointer;color:inherit;padding:.1rem .35rem;border-radius:4px}
.lp-badge{display:inline-flex;align-items:center;gap:.25rem;border-radius:999px;padding:.05rem .55rem;font-size:.8rem;font-weight:700;background:var(--lp-accent);color:#fff;vertical-align:middle}
.lp-badge.lp-soft{background:var(--lp-accent-soft);color:var(--lp-accent)}
.lp-badge.lp-warnb{background:var(--lp-warn-soft);color:var(--lp-warn)}
.lp-card{border:1px solid var(--lp-line);border-radius:var(--lp-r);overflow:hidden;background:var(--lp-bg);box-shadow:0 1px 2px rgba(16,24,40,.06)}
.lp-card>img{display:block;width:100%;height:auto}
.lp-card-h{font-weight:650;font-size:1.05rem;padding:.75rem 1rem 0}
.lp-card-b{padding:.75rem 1rem}
.lp-tablist{display:flex;gap:.25rem;border-bottom:1px solid var(--lp-line);flex-wrap:wrap}
.lp-tab{background:none;border:0;border-bottom:3px solid transparent;padding:.55rem .9rem;font:inherit;font-weight:600;color:var(--lp-muted);cursor:pointer}
.lp-tab[aria-selected=true]{color:var(--lp-accent);border-bottom-color:var(--lp-accent)}
crowd-tab{padding:.75rem 0}
dialog.lp-modal{border:0;border-radius:12px;padding:0;width:min(46rem,calc(100vw - 2rem));max-height:calc(100vh - 2rem);box-shadow:0 20px 50px rgba(16,24,40,.3);color:var(--lp-ink);font-family:var(--lp-font)}
dialog.lp-modal::backdrop{background:rgba(16,24,40,.45)}
.lp-modal-h{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.85rem 1.1rem;border-bottom:1px solid var(--lp-line);position:sticky;top:0;background:#fff}
.lp-modal-h h2{font-size:1.1rem;margin:0}
.lp-modal-b{padding:1rem 1.1rem 1.25rem}
.lp-modal-b section+section{margin-top:1rem}
.lp-toast{position:fixed;left:50%;bottom:1rem;transform:translateX(-50%);background:#1c2430;color:#fff;padding:.65rem 1rem;border-radius:var(--lp-r);box-shadow:0 8px 24px rgba(0,0,0,.25);z-index:50;max-width:calc(100vw - 2rem)}
.lp-icon-btn{display:inline-flex;align-items:center;justify-content:center;width:2.4rem;height:2.4rem;border-radius:50%;border:1px solid var(--lp-line);background:var(--lp-bg);font-size:1.15rem;cursor:pointer;color:var(--lp-ink)}
.lp-fab{position:fixed;right:1.25rem;bottom:1.25rem;z-index:40;display:inline-flex;align-items:center;gap:.4rem;min-width:3.25rem;height:3.25rem;padding:0 1rem;border-radius:1.7rem;border:0;background:var(--lp-accent);color:#fff;font:inherit;font-weight:700;font-size:1.05rem;box-shadow:0 6px 16px rgba(36,86,196,.4);cursor:pointer;justify-content:center}
.lp-expired{position:sticky;top:0;z-index:60;background:var(--lp-err);color:#fff;padding:.8rem 1rem;font:600 1rem/1.4 var(--lp-font);border-radius:0 0 var(--lp-r) var(--lp-r)}
.lp-stagebox{position:relative;display:inline-block;max-width:100%;line-height:0;border:1px solid var(--lp-line);border-radius:4px;background:repeating-conic-gradient(#eef1f5 0 25%,#fff 0 50%) 0 0/16px 16px;user-select:none;-webkit-user-select:none;touch-action:none}
.lp-stagebox img{display:block;max-width:100%;height:auto}
.lp-stagebox svg{position:absolute;inset:0;width:100%;height:100%;overflow:visible}
.lp-stage{display:block}
.lp-stage.lp-draw svg{cursor:crosshair}
.lp-stage-msg{font-size:.9rem;color:var(--lp-muted);line-height:1.4;padding:.5rem}
.lp-overlay{position:absolute;inset:0;width:100%;height:100%;opacity:.5;pointer-events:none}
.lp-shape{vector-effect:non-scaling-stroke;stroke-width:2;cursor:move}
.lp-shape.lp-sel{stroke-width:3}
.lp-handle{vector-effect:non-scaling-stroke;fill:#fff;stroke-width:2}
.lp-svgtext{paint-order:stroke;stroke:#fff;stroke-width:3px;font-family:var(--lp-font);font-weight:700;pointer-events:none}
.lp-hint{font-size:.88rem;color:var(--lp-muted)}
.lp-shapes{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.35rem}
.lp-shapes li{display:flex;align-items:center;gap:.5rem;padding:.3rem .5rem;border:1px solid var(--lp-line);border-radius:6px;font-size:.9rem}
.lp-shapes li.lp-sel{border-color:var(--lp-accent);background:var(--lp-accent-soft)}
.lp-shapes .lp-grow{flex:1;text-align:left;background:none;border:0;font:inherit;color:inherit;cursor:pointer;padding:.15rem 0}
.lp-ea-text{white-space:pre-wrap;line-height:2.1;padding:.75rem 1rem;border:1px solid var(--lp-line);border-radius:var(--lp-r);background:var(--lp-bg);font-size:1.02rem;overflow-wrap:anywhere}
.lp-ent{background:color-mix(in srgb,var(--c) 18%,transparent);border-bottom:2px solid var(--c);border-radius:3px;padding:.1rem 0;cursor:pointer}
.lp-ent::after{content:attr(data-tag);font-size:.68rem;font-weight:700;color:#fff;background:var(--c);border-radius:3px;padding:0 .25rem;margin-left:.2rem;vertical-align:.15em;line-height:1.2}
.lp-ent.lp-sel{outline:2px solid var(--c);outline-offset:1px}
.lp-tx{display:grid;grid-template-columns:repeat(auto-fit,minmax(19rem,1fr));gap:1rem;align-items:start}
.lp-tx-pairs{display:flex;flex-direction:column;gap:.5rem;max-height:none}
.lp-tx-pair{border:1px solid var(--lp-line);border-radius:var(--lp-r);padding:.55rem .7rem;background:var(--lp-bg)}
.lp-tx-pair.lp-active{border-color:var(--lp-accent);box-shadow:0 0 0 2px rgba(36,86,196,.25)}
.lp-tx-pair.lp-imp{border-left:4px solid var(--lp-warn)}
.lp-tx-top{display:flex;align-items:center;gap:.4rem;flex-wrap:wrap;font-size:.82rem;color:var(--lp-muted)}
.lp-tx-top .lp-x{margin-left:auto}
.lp-tx-grid{display:grid;grid-template-columns:3.3rem minmax(0,1fr);gap:.3rem .5rem;align-items:center;margin-top:.35rem}
.lp-tx-grid .lp-text{min-height:2.1rem;padding:.3rem .5rem}
.lp-tx-ro{padding:.3rem 0;font-weight:600}
.lp-tx-tools{display:flex;gap:.4rem;flex-wrap:wrap;margin-top:.4rem}
.lp-tx-missing{border:1px dashed var(--lp-warn);background:var(--lp-warn-soft);border-radius:var(--lp-r);padding:.5rem .7rem;font-size:.9rem}
.lp-tx-missing ul{margin:.3rem 0 0;padding-left:1.1rem}
.lp-pages{display:flex;gap:.35rem;flex-wrap:wrap;margin-bottom:.5rem}
.lp-pages button[aria-pressed=true]{background:var(--lp-accent);color:#fff;border-color:var(--lp-accent)}
.lp-comment{margin-top:.5rem}
:is(crowd-tab,crowd-alert,crowd-toast,crowd-badge)[hidden],[class^="lp-"][hidden],[class*=" lp-"][hidden]{display:none!important}
.lp-is-expired .lp-stagebox{cursor:not-allowed;opacity:.75}
`;
  function injectStyle() {
    if (D.getElementById('lp-crowd-style')) return;
    const st = h('style', { id: 'lp-crowd-style', text: CSS });
    (D.head || D.documentElement).appendChild(st);
  }

