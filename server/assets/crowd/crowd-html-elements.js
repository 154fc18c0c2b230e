/*
 * Loupe crowd elements: Loupe's own implementation of the Crowd HTML Elements vocabulary that
 * Amazon A2I worker task templates use. One classic script, no dependencies, no network access.
 * It runs inside Loupe's sandboxed task frame and talks to the task page only through postMessage
 * (see README.md next to this file for the message protocol).
 */
(function () {
  'use strict';
  if (typeof window === 'undefined' || !window.customElements || customElements.get('crowd-form')) return;

  const D = document;
  const SVGNS = 'http://www.w3.org/2000/svg';
  const state = { flushed: false, expired: false, busyUntil: 0, pending: [], digitTarget: null, lastHeight: -1, layer: null, heightQueued: false };
  const COLORS = ['#2563eb', '#c2410c', '#15803d', '#9333ea', '#be185d', '#0e7490', '#a16207', '#4f46e5', '#4d7c0f', '#475569'];
  let seq = 0;

  // ---------------------------------------------------------------- small helpers
  function post(msg) {
    try { (window.parent || window).postMessage(msg, '*'); } catch (_) { /* no parent to tell */ }
  }
  function uid(p) { seq += 1; return 'lp-' + p + '-' + seq; }
  function setProps(el, props) {
    if (!props) return;
    for (const k of Object.keys(props)) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k === 'text') el.textContent = v;
      else if (k === 'value') el.value = v;
      else if (k.length > 2 && k[0] === 'o' && k[1] === 'n') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  function add(el, kids) {
    for (const k of kids) {
      if (k == null || k === false) continue;
      if (Array.isArray(k)) add(el, k);
      else el.append(k instanceof Node ? k : String(k));
    }
    return el;
  }
  function h(tag, props, ...kids) { const el = D.createElement(tag); setProps(el, props); return add(el, kids); }
  function s(tag, props) { const el = D.createElementNS(SVGNS, tag); setProps(el, props); return el; }
  function moveChildren(from, to) { while (from.firstChild) to.appendChild(from.firstChild); return to; }
  function flag(el, name) { const v = el.getAttribute(name); return v !== null && v !== 'false'; }
  function num(el, name, def) { const v = parseFloat(el.getAttribute(name)); return Number.isFinite(v) ? v : def; }
  function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }
  function clone(v) { return v == null ? v : JSON.parse(JSON.stringify(v)); }
  function isObj(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function uuid() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
    return x.slice(0, 8) + '-' + x.slice(8, 12) + '-' + x.slice(12, 16) + '-' + x.slice(16, 20) + '-' + x.slice(20);
  }
  function camel(v) {
    if (Array.isArray(v)) return v.map(camel);
    if (!isObj(v)) return v;
    const o = {};
    for (const k of Object.keys(v)) o[k ? k[0].toLowerCase() + k.slice(1) : k] = camel(v[k]);
    return o;
  }
  function layer() {
    if (!state.layer || !state.layer.isConnected) {
      state.layer = h('div', { class: 'lp-layer', 'data-lp-layer': '' });
      D.body.appendChild(state.layer);
    }
    return state.layer;
  }
  function locked() { return state.expired; }

  // ---------------------------------------------------------------- lenient attribute values
  // Accepts JSON, and the JS-object-literal / Python-ish spellings templates use:
  // single-quoted strings, unquoted keys, trailing commas, comments, True/False/None, Ruby "=>".
  function parseLoose(src) {
    if (src == null) return undefined;
    let text = String(src).trim();
    if (!text) return undefined;
    try { return JSON.parse(text); } catch (_) { /* fall through to the lenient reader */ }
    try { return looseRead(text); } catch (first) {
      if (/&(quot|#3?4|#39|apos|amp|lt|gt);/.test(text)) {
        const ta = D.createElement('textarea');
        ta.innerHTML = text;
        return looseRead(ta.value.trim());
      }
      throw first;
    }
  }
  function looseRead(text) {
    let i = 0;
    const fail = (m) => { throw new SyntaxError(m + ' at character ' + (i + 1)); };
    const idRe = /[A-Za-z_$][\w$-]*/y;
    const numRe = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
    function ws() {
      for (;;) {
        const c = text[i];
        if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\u00a0') i++;
        else if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') i++; }
        else if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); if (e < 0) fail('Unclosed comment'); i = e + 2; }
        else return;
      }
    }
    function str() {
      const q = text[i++];
      let out = '';
      while (i < text.length) {
        const c = text[i++];
        if (c === q) return out;
        if (c !== '\\') { out += c; continue; }
        const n = text[i++];
        if (n === 'n') out += '\n';
        else if (n === 't') out += '\t';
        else if (n === 'r') out += '\r';
        else if (n === 'b') out += '\b';
        else if (n === 'f') out += '\f';
        else if (n === 'u') {
          const hex = text.substr(i, 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16)); i += 4;
        } else if (n !== '\n') out += n;
      }
      return fail('Unterminated string');
    }
    function word(re) { re.lastIndex = i; const m = re.exec(text); if (m) i += m[0].length; return m && m[0]; }
    function value() {
      ws();
      const c = text[i];
      if (c === '{') {
        i++;
        const o = {};
        for (;;) {
          ws();
          if (text[i] === '}') { i++; return o; }
          let k;
          if (text[i] === '"' || text[i] === "'") k = str();
          else { k = word(idRe) || word(numRe); if (k == null) fail('Expected a key'); }
          ws();
          if (text[i] === ':') i++;
          else if (text[i] === '=' && text[i + 1] === '>') i += 2;
          else fail('Expected ":"');
          o[k] = value();
          ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === '}') { i++; return o; }
          fail('Expected "," or "}"');
        }
      }
      if (c === '[') {
        i++;
        const a = [];
        for (;;) {
          ws();
          if (text[i] === ']') { i++; return a; }
          a.push(value());
          ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === ']') { i++; return a; }
          fail('Expected "," or "]"');
        }
      }
      if (c === '"' || c === "'") return str();
      const n = word(numRe);
      if (n != null) return Number(n);
      const w = word(idRe);
      if (w === 'true' || w === 'True') return true;
      if (w === 'false' || w === 'False') return false;
      if (w === 'null' || w === 'None' || w === 'nil' || w === 'undefined') return null;
      if (w) { i -= w.length; fail('Unexpected word "' + w + '"'); }
      return fail(c === undefined ? 'Unexpected end of value' : 'Unexpected "' + c + '"');
    }
    const v = value();
    ws();
    if (i < text.length) fail('Unexpected text after the value');
    return v;
  }
  function readAttr(el, name, def) {
    const raw = el.getAttribute(name);
    if (raw == null || !raw.trim()) return def;
    try { return parseLoose(raw); } catch (e) {
      throw new Error('The "' + name + '" attribute could not be read (' + e.message + ').');
    }
  }
  function listAttr(el, name) {
    const v = readAttr(el, name, []);
    if (v == null) return [];
    if (!Array.isArray(v)) throw new Error('The "' + name + '" attribute must be a list, like ["a", "b"].');
    return v;
  }
  function labelText(v) {
    if (isObj(v)) return String(v.label != null ? v.label : v.name != null ? v.name : v.text != null ? v.text : '');
    return v == null ? '' : String(v);
  }
  function exclusionText(el, def) {
    if (!el.hasAttribute('exclusion-category')) return def;
    const raw = el.getAttribute('exclusion-category');
    if (!raw.trim()) return def || 'None of the above';
    let v;
    try { v = parseLoose(raw); } catch (_) { v = raw; }
    return labelText(v) || def || 'None of the above';
  }
  function srcAttr(el) { return el.getAttribute('src') || ''; }

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

  // ---------------------------------------------------------------- base element
  // Elements render into their light DOM. While the document is still being parsed an element's
  // children are not there yet, so rendering waits for DOMContentLoaded and then runs in document
  // order (containers before the regions inside them).
  class Crowd extends HTMLElement {
    static get observedAttributes() { return ['disabled']; }
    connectedCallback() {
      if (this._lpQueued || this._lpBuilt) return;
      this._lpQueued = true;
      if (state.flushed) this._lpBuild(); else state.pending.push(this);
    }
    _lpBuild() {
      this._lpQueued = false;
      if (this._lpBuilt || !this.isConnected) return;
      this._lpBuilt = true;
      this.setAttribute('data-lp-ready', '');
      try { this.render(); } catch (err) { this._fail(err); }
      if (this.hasAttribute('disabled') || state.expired) this._syncDisabled();
      queueHeight();
    }
    _fail(err) {
      this._broken = (err && err.message) || String(err);
      this.prepend(h('div', { class: 'lp-elerr', role: 'alert', text: this.localName + ': ' + this._broken }));
    }
    render() {}
    attributeChangedCallback(name) { if (this._lpBuilt && name === 'disabled') this._syncDisabled(); }
    get disabled() { return this.hasAttribute('disabled'); }
    set disabled(v) { this.toggleAttribute('disabled', !!v); }
    get name() { return this.getAttribute('name') || ''; }
    set name(v) { this.setAttribute('name', v); }
    _syncDisabled() {
      const off = this.disabled || state.expired;
      for (const c of this.querySelectorAll('[data-lp]')) if (nearestCrowd(c) === this) c.disabled = off;
    }
    // An error shown next to this element; cleared when the worker changes something.
    _showError(msg) { if (this._err) this._err.textContent = msg || ''; }
  }
  function nearestCrowd(n) {
    for (let p = n.parentElement; p; p = p.parentElement) if (p instanceof Crowd) return p;
    return null;
  }

  const TASKS = 'crowd-classifier,crowd-classifier-multi-select,crowd-image-classifier,crowd-image-classifier-multi-select,crowd-bounding-box,crowd-keypoint,crowd-polygon,crowd-entity-annotation,crowd-rekognition-detect-moderation-labels,crowd-textract-analyze-document';
  function ownRegion(el, tag) {
    for (const r of el.querySelectorAll(tag)) {
      const owner = r.parentElement && r.parentElement.closest(TASKS);
      if (owner === el) return r;
    }
    return null;
  }
  // The standard two-column task layout: instructions on the side, header + work area in main.
  function taskLayout(el, defHeader) {
    const regions = {};
    for (const tag of ['short-instructions', 'full-instructions', 'classification-target', 'worker-comment']) {
      regions[tag] = ownRegion(el, tag);
      if (regions[tag]) regions[tag].remove();
    }
    const extra = moveChildren(el, h('div', { class: 'lp-extra' }));
    const side = h('aside', { class: 'lp-side', 'aria-label': 'Instructions' });
    if (regions['short-instructions']) side.append(regions['short-instructions']);
    if (regions['full-instructions']) side.append(regions['full-instructions']);
    const header = el.getAttribute('header') || defHeader || '';
    const main = h('div', { class: 'lp-main' }, header ? h('h2', { class: 'lp-header', text: header }) : null);
    const root = h('div', { class: 'lp-task' + (side.childNodes.length ? '' : ' lp-wide') }, side.childNodes.length ? side : null, main);
    el.append(root);
    const err = h('div', { class: 'lp-err', role: 'alert', id: uid('err') });
    return {
      root, side, main, regions, extra, err, header,
      finish() {
        for (const r of Object.values(regions)) if (r && !r.isConnected) extra.prepend(r);
        main.append(err, extra);
      },
    };
  }

  // ---------------------------------------------------------------- modal dialogs
  function makeModal(title, body) {
    const tid = uid('mt');
    const close = h('button', { type: 'button', class: 'lp-x', 'aria-label': 'Close', text: '\u00d7' });
    const dlg = h('dialog', { class: 'lp-modal', 'aria-labelledby': tid },
      h('div', { class: 'lp-modal-h' }, h('h2', { id: tid, text: title }), close),
      h('div', { class: 'lp-modal-b' }, body));
    close.addEventListener('click', () => dlg.close());
    dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); });
    dlg.addEventListener('close', () => { if (dlg._opener && dlg._opener.isConnected) dlg._opener.focus(); });
    layer().append(dlg);
    return {
      dlg,
      open(opener) { dlg._opener = opener || D.activeElement; if (!dlg.open) { try { dlg.showModal(); } catch (_) { dlg.setAttribute('open', ''); } } },
      close() { if (dlg.open) dlg.close(); },
    };
  }
  function anyModalOpen() { return !!D.querySelector('dialog[open]'); }
  function triggerButton(text, type, modal) {
    const b = h('button', { type: 'button', class: type === 'button' ? 'lp-btn lp-small' : 'lp-link', 'aria-haspopup': 'dialog', 'data-lp-keep': '', text });
    b.addEventListener('click', () => modal.open(b));
    return b;
  }

  // ---------------------------------------------------------------- category choices
  // Buttons for classifier-like elements: single choice (radio semantics, arrow keys) or several
  // (toggle buttons), with an optional exclusion ("none of these") button that clears the others.
  function makeChoices(o) {
    const labels = o.labels;
    const all = labels.concat(o.exclusion != null ? [o.exclusion] : []);
    const group = h('div', { class: 'lp-choices', role: o.multi ? 'group' : 'radiogroup', 'aria-label': o.aria || 'Categories' });
    const api = {
      group, sel: new Set(), excl: false, buttons: [],
      activate(i) {
        if (locked() || i < 0 || i >= all.length || api.buttons[i].disabled) return false;
        const isExcl = i >= labels.length;
        if (!o.multi) api.sel = new Set([i]);
        else if (isExcl) { api.excl = !api.excl; if (api.excl) api.sel.clear(); }
        else { api.excl = false; if (api.sel.has(i)) api.sel.delete(i); else api.sel.add(i); }
        api.paint();
        if (o.onChange) o.onChange(i);
        return true;
      },
      paint() {
        let focusable = -1;
        api.buttons.forEach((b, i) => {
          const on = i >= labels.length ? api.excl : api.sel.has(i);
          b.classList.toggle('lp-on', on);
          if (o.multi) b.setAttribute('aria-pressed', String(on));
          else { b.setAttribute('aria-checked', String(on)); if (on) focusable = i; }
        });
        if (!o.multi) api.buttons.forEach((b, i) => { b.tabIndex = i === (focusable < 0 ? 0 : focusable) ? 0 : -1; });
      },
    };
    all.forEach((text, i) => {
      const isExcl = i >= labels.length;
      const b = h('button', { type: 'button', class: 'lp-choice' + (isExcl ? ' lp-excl' : ''), 'data-lp': '', 'data-lp-enter-submits': '', role: o.multi ? null : 'radio' },
        i < 9 ? h('kbd', { class: 'lp-key', 'aria-hidden': 'true', text: String(i + 1) }) : null,
        o.colors && !isExcl ? h('span', { class: 'lp-swatch', style: 'background:' + o.colors[i % o.colors.length] }) : null,
        h('span', null, h('span', { class: 'lp-choice-text', text }), o.sub && o.sub[i] ? h('span', { class: 'lp-choice-sub', text: o.sub[i] }) : null));
      b.addEventListener('click', () => api.activate(i));
      api.buttons.push(b);
      group.append(b);
    });
    if (!o.multi) {
      group.addEventListener('keydown', (e) => {
        const d = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
        if (!d) return;
        const cur = api.buttons.indexOf(D.activeElement);
        if (cur < 0) return;
        e.preventDefault();
        const n = (cur + d + all.length) % all.length;
        api.activate(n);
        api.buttons[n].focus();
      });
    }
    api.paint();
    return api;
  }

  // ---------------------------------------------------------------- form: validation, answer, submit
  const SUBMIT_SEL = 'crowd-button[form-action="submit"],button[type="submit"],input[type="submit"],[data-lp-submit]';
  function isNativeField(el) {
    const t = el.tagName;
    if (t !== 'INPUT' && t !== 'SELECT' && t !== 'TEXTAREA') return false;
    if (!el.name || el.hasAttribute('data-lp') || el.disabled) return false;
    return !(t === 'INPUT' && /^(submit|button|reset|image|file)$/i.test(el.type));
  }
  function isTextField(el) {
    if (!el || el.nodeType !== 1) return false;
    if (el.isContentEditable) return true;
    const t = el.tagName;
    if (t === 'TEXTAREA' || t === 'SELECT') return true;
    return t === 'INPUT' && !/^(checkbox|radio|range|button|submit|reset|image|file|color)$/i.test(el.type);
  }
  function elDisabled(el) { return el.hasAttribute('disabled'); }
  function clearErrors(root) {
    for (const e of root.querySelectorAll('.lp-err')) e.textContent = '';
    for (const e of root.querySelectorAll('.lp-invalid')) e.classList.remove('lp-invalid');
  }
  function nativeError(el, msg) {
    let box = el._lpErr;
    if (!box || !box.isConnected) {
      box = el._lpErr = h('div', { class: 'lp-err', role: 'alert', id: uid('err') });
      const anchor = el.closest('label') || el;
      anchor.after(box);
      el.setAttribute('aria-describedby', ((el.getAttribute('aria-describedby') || '') + ' ' + box.id).trim());
      const clear = () => { box.textContent = ''; el.classList.remove('lp-invalid'); };
      el.addEventListener('input', clear);
      el.addEventListener('change', clear);
    }
    box.textContent = msg;
    el.classList.add('lp-invalid');
  }
  function validateRoot(root) {
    clearErrors(root);
    for (const el of root.querySelectorAll('*')) {
      if (el._validate && el._lpBuilt) {
        if (elDisabled(el)) continue;
        const p = el._broken ? { message: 'Part of this task could not be displayed: ' + el._broken } : el._validate();
        if (p) {
          if (!el._broken) el._showError(p.message);
          return { message: p.message, focus: p.focus || el };
        }
      } else if (isNativeField(el) && typeof el.checkValidity === 'function' && !el.checkValidity()) {
        const msg = el.validationMessage || 'Please fill in this field.';
        nativeError(el, msg);
        return { message: msg, focus: el };
      }
    }
    return null;
  }
  function collect(root) {
    const answer = {};
    for (const el of root.querySelectorAll('*')) {
      if (el._contribute) { if (el._lpBuilt && !elDisabled(el)) el._contribute(answer); continue; }
      if (!isNativeField(el)) continue;
      const name = el.name;
      if (el.type === 'checkbox' || el.type === 'radio') {
        if (!isObj(answer[name])) answer[name] = {};
        answer[name][el.value] = el.checked;
      } else if (el.tagName === 'SELECT' && el.multiple) {
        answer[name] = Array.from(el.selectedOptions, (op) => op.value);
      } else if (el.value !== '') {
        answer[name] = el.value;
      }
    }
    return answer;
  }
  function mergeFlag(answer, name, key, val) {
    if (!name) return;
    if (!isObj(answer[name])) answer[name] = {};
    answer[name][key] = val;
  }
  function rootOf(el) {
    const f = el && el.closest && el.closest('crowd-form');
    if (f) return f;
    return D.querySelector('crowd-form') || (state.formless ? D.body : null);
  }
  function submitRoot(root) {
    if (!root || state.expired) return false;
    if (Date.now() < state.busyUntil) return false;
    const problem = validateRoot(root);
    if (problem) {
      post({ type: 'loupe:invalid', message: problem.message });
      const f = problem.focus;
      if (f && f.focus) {
        try { f.scrollIntoView({ block: 'center' }); } catch (_) { /* old engines */ }
        const target = f.matches && f.matches('[data-lp],input,select,textarea,button,[tabindex]') ? f : f.querySelector && f.querySelector('[data-lp]:not(:disabled),input,select,textarea,[tabindex]');
        (target || f).focus({ preventScroll: true });
      }
      return false;
    }
    const ev = new Event('submit', { bubbles: true, cancelable: true });
    const posted = state.posted;
    let go = true;
    try { go = root.dispatchEvent(ev); } catch (_) { go = !ev.defaultPrevented; }
    if (!go || ev.defaultPrevented) {
      // A handler may cancel the event and then call form.submit() itself, as with a native form.
      if (state.posted === posted) post({ type: 'loupe:invalid', message: 'The task stopped the submission; see the message on the page.' });
      return false;
    }
    return postAnswer(root);
  }
  // Like a native form's submit(): no validation and no submit event.
  function postAnswer(root) {
    if (!root || state.expired || Date.now() < state.busyUntil) return false;
    const answer = collect(root);
    state.busyUntil = Date.now() + 1000;
    state.posted = (state.posted || 0) + 1;
    post({ type: 'loupe:answer', answer });
    return true;
  }
  function submitFirst(from) { return submitRoot(rootOf(from)); }
  function hasSubmitControl(root) { return !!root.querySelector(SUBMIT_SEL); }
  function appendSubmit(root) {
    if (hasSubmitControl(root)) return;
    const bar = h('div', { class: 'lp-actions', 'data-lp-auto': '' },
      h('button', { type: 'button', class: 'lp-btn lp-primary', 'data-lp': '', 'data-lp-submit': '', text: 'Submit' }));
    root.append(bar);
  }

  // ---------------------------------------------------------------- crowd-form and regions
  class CrowdForm extends Crowd {
    render() {
      if (!this.hasAttribute('role')) this.setAttribute('role', 'form');
      appendSubmit(this);
    }
    get form() { return this; }
    submit() { return postAnswer(this); }
    requestSubmit() { return submitRoot(this); }
  }
  class ShortInstructions extends Crowd {
    render() {
      const head = this.getAttribute('header');
      if (head) this.prepend(h('h3', { class: 'lp-region-title', text: head }));
    }
  }
  class FullInstructions extends Crowd {
    render() {
      const title = this.getAttribute('header') || 'Full instructions';
      const body = moveChildren(this, h('div'));
      this._modal = makeModal(title, body);
      this.append(triggerButton(this.getAttribute('link-text') || 'View full instructions', 'link', this._modal));
    }
    open() { if (this._modal) this._modal.open(); }
    close() { if (this._modal) this._modal.close(); }
  }
  class Plain extends Crowd {}
  class WorkerComment extends Crowd {
    render() {
      const id = uid('wc');
      const head = this.getAttribute('header') || 'Comment';
      this._ta = h('textarea', { id, class: 'lp-text', rows: 3, 'data-lp': '', placeholder: this.getAttribute('placeholder') || '' });
      const field = h('div', { class: 'lp-field', hidden: true }, h('label', { class: 'lp-label', for: id, text: head }), this._ta);
      const toggle = h('button', { type: 'button', class: 'lp-link', 'aria-expanded': 'false', text: this.getAttribute('link-text') || 'Add a comment' });
      toggle.addEventListener('click', () => {
        field.hidden = !field.hidden;
        toggle.setAttribute('aria-expanded', String(!field.hidden));
        if (!field.hidden) this._ta.focus();
      });
      this.classList.add('lp-comment');
      this.append(toggle, field);
    }
    get value() { return this._ta ? this._ta.value : ''; }
    set value(v) { if (this._ta) this._ta.value = v; }
  }

  // ---------------------------------------------------------------- text fields
  class CrowdInput extends Crowd {
    render() { this._field(false); }
    _field(multi) {
      const id = uid('in');
      const label = this.getAttribute('label');
      const req = flag(this, 'required');
      const ctl = h(multi ? 'textarea' : 'input', {
        id, class: 'lp-text', 'data-lp': '',
        type: multi ? null : (this.getAttribute('type') || 'text'),
        placeholder: this.getAttribute('placeholder'),
        maxlength: this.getAttribute('max-length') || this.getAttribute('maxlength'),
        minlength: this.getAttribute('min-length') || this.getAttribute('minlength'),
        min: this.getAttribute('min'), max: this.getAttribute('max'), step: this.getAttribute('step'),
        pattern: this.getAttribute('pattern'),
        rows: multi ? (this.getAttribute('rows') || 3) : null,
        required: req,
        'aria-label': label ? null : (this.getAttribute('aria-label') || this.getAttribute('placeholder') || this.name || null),
      });
      const init = this._pending != null ? this._pending : this.getAttribute('value');
      if (init != null) ctl.value = init;
      this._ctl = ctl;
      this._err = h('div', { class: 'lp-err', role: 'alert', id: uid('err') });
      ctl.setAttribute('aria-describedby', this._err.id);
      const field = h('div', { class: 'lp-field' },
        label ? h('label', { class: 'lp-label', for: id }, label, req ? h('span', { class: 'lp-req', 'aria-hidden': 'true', text: '*' }) : null) : null,
        ctl);
      const allowed = this.getAttribute('allowed-pattern');
      if (allowed) {
        let re = null;
        try { re = new RegExp(allowed, 'u'); } catch (_) { try { re = new RegExp(allowed); } catch (__) { re = null; } }
        if (re) {
          ctl.addEventListener('beforeinput', (e) => {
            if (e.data && Array.from(e.data).some((ch) => { re.lastIndex = 0; return !re.test(ch); })) e.preventDefault();
          });
        }
      }
      const max = parseInt(ctl.getAttribute('maxlength'), 10);
      if (multi && flag(this, 'char-counter')) {
        const counter = h('div', { class: 'lp-counter', 'aria-live': 'polite' });
        const upd = () => { counter.textContent = ctl.value.length + (max > 0 ? ' / ' + max : ''); };
        ctl.addEventListener('input', upd); upd();
        field.append(counter);
      }
      if (multi) {
        const maxRows = parseInt(this.getAttribute('max-rows'), 10);
        const grow = () => {
          ctl.style.height = 'auto';
          const lh = parseFloat(getComputedStyle(ctl).lineHeight) || 20;
          const limit = maxRows > 0 ? maxRows * lh + 18 : Infinity;
          ctl.style.height = Math.min(ctl.scrollHeight + 2, limit) + 'px';
        };
        ctl.addEventListener('input', grow);
        requestAnimationFrame(grow);
      }
      ctl.addEventListener('input', () => {
        if (flag(this, 'auto-validate')) { const p = this._validate(); this._showError(p ? p.message : ''); } else this._showError('');
        ctl.classList.remove('lp-invalid');
      });
      field.append(this._err);
      this.prepend(field);
      if (flag(this, 'auto-focus') || flag(this, 'autofocus')) setTimeout(() => ctl.focus(), 0);
    }
    _validate() {
      const c = this._ctl;
      if (!c) return null;
      const custom = this.getAttribute('error-message');
      let msg = null;
      if (flag(this, 'required') && !c.value.trim()) msg = custom || 'This field is required.';
      else if (!c.checkValidity()) msg = custom || c.validationMessage || 'Please check this value.';
      if (msg) c.classList.add('lp-invalid');
      return msg ? { message: msg, focus: c } : null;
    }
    _contribute(answer) { const v = this.value; if (this.name && v !== '') answer[this.name] = v; }
    get value() { return this._ctl ? this._ctl.value : (this._pending != null ? this._pending : (this.getAttribute('value') || '')); }
    set value(v) { if (this._ctl) this._ctl.value = v == null ? '' : String(v); else this._pending = v == null ? '' : String(v); }
    get invalid() { return !!this._validate(); }
    validate() { const p = this._validate(); this._showError(p ? p.message : ''); return !p; }
    focus() { if (this._ctl) this._ctl.focus(); }
  }
  class CrowdTextArea extends CrowdInput { render() { this._field(true); } }

  // ---------------------------------------------------------------- checkbox, radio, toggle
  class CrowdCheckbox extends Crowd {
    static get observedAttributes() { return ['disabled', 'checked']; }
    attributeChangedCallback(n) { super.attributeChangedCallback(n); if (n === 'checked' && this._ctl) this._ctl.checked = this.hasAttribute('checked'); }
    render() {
      this._ctl = h('input', { type: 'checkbox', 'data-lp': '' });
      this._ctl.checked = this._pending != null ? this._pending : flag(this, 'checked');
      this._err = h('div', { class: 'lp-err', role: 'alert' });
      const text = moveChildren(this, h('span'));
      this._ctl.addEventListener('change', () => this._showError(''));
      this.append(h('label', { class: 'lp-check' }, this._ctl, text), this._err);
    }
    get checked() { return this._ctl ? this._ctl.checked : (this._pending != null ? this._pending : flag(this, 'checked')); }
    set checked(v) { if (this._ctl) this._ctl.checked = !!v; else this._pending = !!v; }
    get value() { return this.getAttribute('value') || 'on'; }
    set value(v) { this.setAttribute('value', v); }
    _validate() { return flag(this, 'required') && !this.checked ? { message: 'Check this box to continue.', focus: this._ctl } : null; }
    _contribute(answer) { mergeFlag(answer, this.name, this.value, this.checked); }
    focus() { if (this._ctl) this._ctl.focus(); }
  }
  class CrowdRadioGroup extends Crowd {
    render() {
      if (!this.hasAttribute('role')) this.setAttribute('role', 'radiogroup');
      this._err = h('div', { class: 'lp-err', role: 'alert', style: 'flex-basis:100%' });
      this.append(this._err);
      this.addEventListener('change', () => this._showError(''));
    }
    get _groupKey() { if (!this._gk) this._gk = uid('rg'); return this._gk; }
    _buttons() { return Array.from(this.querySelectorAll('crowd-radio-button')).filter((b) => b.closest('crowd-radio-group') === this); }
    get value() { const b = this._buttons().find((x) => x.checked); return b ? b.value : ''; }
    _validate() {
      if (!flag(this, 'required') || this._buttons().some((b) => b.checked)) return null;
      const first = this._buttons()[0];
      return { message: 'Choose one of the options.', focus: first && first._ctl };
    }
  }
  class CrowdRadioButton extends Crowd {
    static get observedAttributes() { return ['disabled', 'checked']; }
    attributeChangedCallback(n) { super.attributeChangedCallback(n); if (n === 'checked' && this._ctl) this._ctl.checked = this.hasAttribute('checked'); }
    render() {
      const group = this.closest('crowd-radio-group');
      this._ctl = h('input', { type: 'radio', 'data-lp': '', name: group ? group._groupKey : 'lp-rb-' + (this.name || 'solo') });
      this._ctl.value = this.value;
      this._ctl.checked = this._pending != null ? this._pending : flag(this, 'checked');
      const text = moveChildren(this, h('span'));
      this.append(h('label', { class: 'lp-check' }, this._ctl, text));
    }
    get checked() { return this._ctl ? this._ctl.checked : (this._pending != null ? this._pending : flag(this, 'checked')); }
    set checked(v) { if (this._ctl) this._ctl.checked = !!v; else this._pending = !!v; }
    get value() { return this.getAttribute('value') || 'on'; }
    set value(v) { this.setAttribute('value', v); }
    _contribute(answer) { mergeFlag(answer, this.name, this.value, this.checked); }
    _validate() {
      if (!flag(this, 'required') || this.checked) return null;
      const g = this.closest('crowd-radio-group');
      const peers = g ? g._buttons() : Array.from(D.querySelectorAll('crowd-radio-button')).filter((b) => b.name === this.name);
      return peers.some((b) => b.checked) ? null : { message: 'Choose one of the options.', focus: this._ctl };
    }
    focus() { if (this._ctl) this._ctl.focus(); }
  }
  class CrowdToggleButton extends Crowd {
    static get observedAttributes() { return ['disabled', 'checked', 'invalid']; }
    attributeChangedCallback(n) {
      super.attributeChangedCallback(n);
      if (!this._ctl) return;
      if (n === 'checked') this._set(this.hasAttribute('checked'));
      if (n === 'invalid') this._ctl.classList.toggle('lp-invalid', flag(this, 'invalid'));
    }
    render() {
      const lid = uid('tg');
      const text = moveChildren(this, h('span', { id: lid }));
      this._ctl = h('button', { type: 'button', role: 'switch', class: 'lp-switch', 'data-lp': '', 'aria-checked': 'false' });
      if (text.childNodes.length) this._ctl.setAttribute('aria-labelledby', lid);
      else this._ctl.setAttribute('aria-label', this.getAttribute('aria-label') || this.name || this.value);
      this._ctl.classList.toggle('lp-invalid', flag(this, 'invalid'));
      this._ctl.addEventListener('click', () => { if (!locked()) { this._set(!this.checked); this._showError(''); this.dispatchEvent(new Event('change', { bubbles: true })); } });
      this._err = h('div', { class: 'lp-err', role: 'alert' });
      text.addEventListener('click', () => this._ctl.click());
      this.append(h('span', { class: 'lp-check' }, this._ctl, text), this._err);
      this._set(this._pending != null ? this._pending : flag(this, 'checked'));
    }
    _set(v) { this._on = !!v; if (this._ctl) this._ctl.setAttribute('aria-checked', String(this._on)); }
    get checked() { return this._ctl ? this._on : (this._pending != null ? this._pending : flag(this, 'checked')); }
    set checked(v) { if (this._ctl) this._set(v); else this._pending = !!v; }
    get value() { return this.getAttribute('value') || 'on'; }
    set value(v) { this.setAttribute('value', v); }
    _validate() { return flag(this, 'required') && !this.checked ? { message: 'Switch this on to continue.', focus: this._ctl } : null; }
    _contribute(answer) { mergeFlag(answer, this.name, this.value, this.checked); }
  }

  // ---------------------------------------------------------------- slider
  class CrowdSlider extends Crowd {
    render() {
      const min = num(this, 'min', 0), max = num(this, 'max', 100), step = num(this, 'step', 1);
      const start = this._pending != null ? this._pending : num(this, 'value', min);
      this._hadValue = this.hasAttribute('value') || this._pending != null;
      this._touched = false;
      const r = h('input', { type: 'range', 'data-lp': '', min, max, step, 'aria-label': this.getAttribute('aria-label') || this.getAttribute('label') || this.name || 'Value' });
      r.value = String(clamp(start, min, max));
      this._ctl = r;
      const wrap = h('div', { class: 'lp-slider' }, r);
      const sec = num(this, 'secondary-progress', NaN);
      if (Number.isFinite(sec) && max > min) {
        const pct = clamp((sec - min) / (max - min) * 100, 0, 100);
        r.style.background = 'linear-gradient(to right,#c7d5f3 ' + pct + '%,transparent ' + pct + '%)';
      }
      let pin = null, box = null;
      if (this.hasAttribute('pin')) { pin = h('output', { class: 'lp-pin', 'aria-hidden': 'true' }); wrap.append(pin); }
      if (this.hasAttribute('editable')) {
        box = h('input', { type: 'number', class: 'lp-text', 'data-lp': '', min, max, step, 'aria-label': (this.name || 'Value') + ' (number)' });
        box.addEventListener('change', () => {
          const v = parseFloat(box.value);
          if (Number.isFinite(v)) { r.value = String(clamp(v, min, max)); this._touched = true; sync(); }
        });
        wrap.append(box);
      }
      const sync = () => { if (pin) pin.textContent = r.value; if (box) box.value = r.value; this._showError(''); };
      r.addEventListener('input', () => { this._touched = true; sync(); });
      r.addEventListener('change', () => { this._touched = true; });
      this._err = h('div', { class: 'lp-err', role: 'alert' });
      sync();
      this.prepend(wrap, this._err);
    }
    get value() { return this._ctl ? Number(this._ctl.value) : (this._pending != null ? this._pending : num(this, 'value', num(this, 'min', 0))); }
    set value(v) { if (this._ctl) { this._ctl.value = String(v); this._ctl.dispatchEvent(new Event('input')); } else this._pending = Number(v); }
    _validate() {
      if (flag(this, 'required') && !this._touched && !this._hadValue) return { message: 'Move the slider to choose a value.', focus: this._ctl };
      return null;
    }
    _contribute(answer) { if (this.name) answer[this.name] = this.value; }
  }

  // ---------------------------------------------------------------- layout elements
  const ICONS = { close: '\u00d7', clear: '\u00d7', cancel: '\u00d7', add: '+', remove: '\u2212', delete: '\u2715', check: '\u2713', done: '\u2713', 'arrow-back': '\u2190', 'arrow-forward': '\u2192', 'arrow-upward': '\u2191', 'arrow-downward': '\u2193', 'chevron-left': '\u2039', 'chevron-right': '\u203a', refresh: '\u21bb', undo: '\u21b6', redo: '\u21b7', edit: '\u270e', create: '\u270e', search: '\u2315', star: '\u2605', 'more-vert': '\u22ee', menu: '\u2630', info: 'i', 'help-outline': '?', help: '?', 'zoom-in': '+', 'zoom-out': '\u2212', send: '\u27a4', favorite: '\u2665', 'thumb-up': '\u25b2', 'thumb-down': '\u25bc', warning: '!', error: '!' };
  function iconGlyph(name) { return ICONS[name] || (name ? name.charAt(0).toUpperCase() : '\u2022'); }
  class CrowdButton extends Crowd {
    render() {
      const submit = this.getAttribute('form-action') === 'submit';
      const v = this.getAttribute('variant') || (submit ? 'primary' : 'normal');
      const cls = 'lp-btn' + (v === 'primary' ? ' lp-primary' : v === 'link' ? ' lp-linkish' : '');
      this._ctl = h('button', { type: 'button', class: cls, 'data-lp': '' });
      const icon = this.getAttribute('icon');
      if (icon) this._ctl.append(h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }));
      moveChildren(this, this._ctl);
      if (!this._ctl.textContent.trim() && submit) this._ctl.append('Submit');
      this.append(this._ctl);
      this._syncDisabled();
    }
    focus() { if (this._ctl) this._ctl.focus(); }
  }
  class CrowdIconButton extends Crowd {
    render() {
      const icon = this.getAttribute('icon') || '';
      this._ctl = h('button', { type: 'button', class: 'lp-icon-btn', 'data-lp': '', 'aria-label': this.getAttribute('aria-label') || this.getAttribute('title') || icon.replace(/-/g, ' ') || 'button', title: this.getAttribute('title') }, h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }));
      this.append(this._ctl);
      this._syncDisabled();
    }
  }
  class CrowdFab extends Crowd {
    render() {
      const icon = this.getAttribute('icon'), label = this.getAttribute('label');
      this._ctl = h('button', { type: 'button', class: 'lp-fab', 'data-lp': '', title: this.getAttribute('title'), 'aria-label': label || this.getAttribute('title') || icon || 'Action' },
        icon ? h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }) : null, label ? h('span', { text: label }) : null);
      this.append(this._ctl);
      this._syncDisabled();
    }
  }
  class CrowdAlert extends Crowd {
    render() {
      const type = (this.getAttribute('type') || 'info').toLowerCase();
      const body = moveChildren(this, h('div', { class: 'lp-alert-body' }));
      const box = h('div', { class: 'lp-alert lp-alert-' + (['success', 'warning', 'error'].includes(type) ? type : 'info'), role: type === 'error' || type === 'warning' ? 'alert' : 'status' }, body);
      if (this.hasAttribute('dismissible')) {
        const x = h('button', { type: 'button', class: 'lp-x', 'aria-label': 'Dismiss', text: '\u00d7' });
        x.addEventListener('click', () => { this.hidden = true; queueHeight(); });
        box.append(x);
      }
      this.append(box);
    }
  }
  class CrowdBadge extends Crowd {
    render() {
      const icon = this.getAttribute('icon'), label = this.getAttribute('label');
      const b = h('span', { class: 'lp-badge' }, icon ? h('span', { 'aria-hidden': 'true', text: iconGlyph(icon) }) : null, label);
      moveChildren(this, b);
      this.append(b);
    }
  }
  class CrowdCard extends Crowd {
    render() {
      const heading = this.getAttribute('heading'), image = this.getAttribute('image');
      const body = moveChildren(this, h('div', { class: 'lp-card-b' }));
      this.append(h('div', { class: 'lp-card' }, image ? h('img', { src: image, alt: heading || '' }) : null, heading ? h('div', { class: 'lp-card-h', text: heading }) : null, body));
    }
  }
  class CrowdModal extends Crowd {
    render() {
      const body = moveChildren(this, h('div'));
      this._modal = makeModal(this.getAttribute('header') || this.getAttribute('link-text') || 'Details', body);
      this.append(triggerButton(this.getAttribute('link-text') || 'Open', this.getAttribute('link-type') || 'link', this._modal));
    }
    open() { if (this._modal) this._modal.open(); }
    close() { if (this._modal) this._modal.close(); }
  }
  class CrowdInstructions extends Crowd {
    render() {
      const parts = [['short-summary', 'Summary'], ['detailed-instructions', 'Instructions'], ['positive-example', 'Good example'], ['negative-example', 'Bad example']];
      const body = h('div');
      const rest = [];
      for (const [tag, title] of parts) {
        for (const el of Array.from(this.querySelectorAll(tag))) {
          body.append(h('section', null, h('h3', { class: 'lp-region-title', text: el.getAttribute('header') || title }), moveChildren(el, h('div'))));
          el.remove();
        }
      }
      moveChildren(this, h('div')).childNodes.forEach((n) => rest.push(n));
      if (rest.some((n) => n.nodeType === 1 || n.textContent.trim())) body.prepend(h('section', null, rest));
      const text = this.getAttribute('link-text') || 'Instructions';
      this._modal = makeModal(text, body);
      this.append(triggerButton(text, this.getAttribute('link-type') || 'link', this._modal));
    }
    open() { if (this._modal) this._modal.open(); }
  }
  class CrowdTabs extends Crowd {
    render() {
      const tabs = Array.from(this.children).filter((c) => c.localName === 'crowd-tab');
      const list = h('div', { class: 'lp-tablist', role: 'tablist' });
      const btns = tabs.map((tab, i) => {
        const id = uid('tab');
        if (!tab.id) tab.id = uid('panel');
        tab.setAttribute('role', 'tabpanel');
        tab.setAttribute('aria-labelledby', id);
        const b = h('button', { type: 'button', role: 'tab', id, class: 'lp-tab', 'aria-controls': tab.id, text: tab.getAttribute('header') || 'Tab ' + (i + 1) });
        b.addEventListener('click', () => select(i));
        return b;
      });
      const select = (n) => {
        tabs.forEach((t, i) => { t.hidden = i !== n; btns[i].setAttribute('aria-selected', String(i === n)); btns[i].tabIndex = i === n ? 0 : -1; });
        queueHeight();
      };
      list.addEventListener('keydown', (e) => {
        const d = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
        const cur = btns.indexOf(D.activeElement);
        if (!d || cur < 0) return;
        e.preventDefault();
        const n = (cur + d + btns.length) % btns.length;
        select(n); btns[n].focus();
      });
      add(list, btns);
      this.prepend(list);
      if (tabs.length) select(0);
    }
  }
  class CrowdToast extends Crowd {
    render() {
      const text = this.getAttribute('text');
      this._box = h('div', { class: 'lp-toast', role: 'status', hidden: true }, text, moveChildren(this, D.createDocumentFragment()));
      this.append(this._box);
      this.show();
    }
    show() {
      if (!this._box) return;
      this._box.hidden = false;
      clearTimeout(this._t);
      const d = num(this, 'duration', 3000);
      if (d > 0) this._t = setTimeout(() => this.close(), d);
    }
    open() { this.show(); }
    close() { if (this._box) this._box.hidden = true; }
  }

  // ---------------------------------------------------------------- classifiers
  class Classifier extends Crowd {
    get _multi() { return false; }
    render() {
      const L = taskLayout(this);
      this._L = L;
      this._cats = listAttr(this, 'categories').map(labelText);
      const excl = this._multi ? exclusionText(this, null) : null;
      this._target(L);
      this._choices = makeChoices({ labels: this._cats, multi: this._multi, exclusion: excl, aria: L.header || 'Categories', onChange: () => this._showError('') });
      L.main.append(this._choices.group);
      if (L.regions['worker-comment']) L.main.append(L.regions['worker-comment']);
      L.finish();
      this._err = L.err;
      this._initial();
    }
    _target(L) { if (L.regions['classification-target']) L.main.append(L.regions['classification-target']); }
    _initial() {
      const raw = this.getAttribute('initial-value');
      if (raw == null || !raw.trim()) return;
      let v = raw.trim();
      if (!this._cats.includes(v)) { try { v = parseLoose(raw); } catch (_) { return; } }
      const want = (Array.isArray(v) ? v : isObj(v) && Array.isArray(v.labels) ? v.labels : [isObj(v) ? v.label : v]).map(labelText);
      const c = this._choices;
      want.forEach((w) => { const i = this._cats.indexOf(w); if (i >= 0) { if (this._multi) c.sel.add(i); else c.sel = new Set([i]); } });
      c.paint();
    }
    _pick(i) { return this._choices ? this._choices.activate(i) : false; }
    get _classLike() { return true; }
    _labels() { return Array.from(this._choices.sel).sort((a, b) => a - b).map((i) => this._cats[i]); }
    _validate() {
      const c = this._choices;
      if (!c) return null;
      if (!this._multi && !c.sel.size) return { message: 'Choose a category.', focus: c.buttons[0] };
      if (this._multi && !c.sel.size && !c.excl && this.hasAttribute('exclusion-category'))
        return { message: 'Choose at least one category, or \u201c' + exclusionText(this, null) + '\u201d.', focus: c.buttons[0] };
      return null;
    }
    get value() {
      if (!this._choices) return undefined;
      if (this._multi) return { labels: this._labels() };
      const v = {};
      const l = this._labels()[0];
      if (l !== undefined) v.label = l;
      const wc = this._L.regions['worker-comment'];
      if (wc && wc.value && wc.value.trim()) v.workerComment = wc.value;
      return v;
    }
    get _submittableValue() { return this.value; }
    _contribute(answer) {
      if (!this.name || !this._choices) return;
      const v = this.value;
      if (!this._multi && v.label === undefined) return;
      answer[this.name] = v;
    }
  }
  class MultiClassifier extends Classifier { get _multi() { return true; } }

  // ---------------------------------------------------------------- images
  // An image with an SVG drawn over it in the image's natural pixel space.
  function imageStage(src, o) {
    o = o || {};
    const img = h('img', { alt: o.alt || 'Task image', draggable: 'false' });
    const svgEl = s('svg', { 'aria-hidden': 'true', preserveAspectRatio: 'none' });
    const box = h('div', { class: 'lp-stagebox' }, img, svgEl);
    const wrap = h('div', { class: 'lp-stage', tabindex: o.focusable ? 0 : null, role: o.focusable ? 'application' : null, 'aria-label': o.label || null }, box);
    const st = {
      wrap, box, img, svg: svgEl, w: 0, h: 0, ok: false, failed: false,
      toImage(e) {
        const r = img.getBoundingClientRect();
        return { x: clamp((e.clientX - r.left) * st.w / r.width, 0, st.w), y: clamp((e.clientY - r.top) * st.h / r.height, 0, st.h) };
      },
      scale() { const r = img.getBoundingClientRect(); return r.width ? st.w / r.width : 1; },
      setSrc(u) { st.ok = false; img.src = u; },
    };
    img.addEventListener('load', () => {
      st.w = img.naturalWidth; st.h = img.naturalHeight; st.ok = true; st.failed = false;
      if (!o.unit) svgEl.setAttribute('viewBox', '0 0 ' + st.w + ' ' + st.h);
      if (o.onLoad) o.onLoad(st);
      queueHeight();
    });
    img.addEventListener('error', () => {
      st.failed = true;
      if (!wrap.querySelector('.lp-stage-msg')) wrap.append(h('div', { class: 'lp-stage-msg', role: 'alert', text: 'The image could not be loaded.' }));
      queueHeight();
    });
    if (o.unit) svgEl.setAttribute('viewBox', '0 0 1 1');
    if (typeof ResizeObserver === 'function' && o.onResize) new ResizeObserver(() => o.onResize(st)).observe(img);
    if (src) img.src = src; else { st.failed = true; wrap.append(h('div', { class: 'lp-stage-msg', role: 'alert', text: 'No image was given (the src attribute is empty).' })); }
    return st;
  }
  function imageProblem(st) {
    if (st.ok) return null;
    return { message: st.failed ? 'The image could not be loaded, so this task cannot be answered.' : 'The image is still loading; try again in a moment.' };
  }
  function props(st) { return { height: st.h, width: st.w }; }

  class ImageClassifier extends Classifier {
    _target(L) {
      this._stage = imageStage(srcAttr(this), { onLoad: (st) => this._overlay(st) });
      L.main.append(this._stage.wrap);
    }
    _overlay(st) {
      let ov;
      try { ov = readAttr(this, 'overlay', null); } catch (e) { st.wrap.append(h('div', { class: 'lp-elerr', text: e.message })); return; }
      if (!isObj(ov)) return;
      ov = camel(ov);
      const bb = ov.boundingBox;
      const list = bb && (Array.isArray(bb.value) ? bb.value : Array.isArray(bb) ? bb : null);
      if (list) {
        const labels = Array.isArray(bb.labels) ? bb.labels.map(labelText) : [];
        const sc = st.scale();
        list.forEach((b) => {
          const c = COLORS[Math.max(0, labels.indexOf(b.label)) % COLORS.length];
          st.svg.append(s('rect', { x: b.left, y: b.top, width: b.width, height: b.height, fill: 'none', stroke: c, class: 'lp-shape', style: 'pointer-events:none' }));
          if (b.label) { const t = s('text', { x: b.left + 3 * sc, y: b.top - 4 * sc, fill: c, class: 'lp-svgtext', 'font-size': 13 * sc }); t.textContent = b.label; st.svg.append(t); }
        });
      }
      const seg = ov.semanticSegmentation || ov.instanceSegmentation;
      const segSrc = seg && (typeof seg === 'string' ? seg : seg.value || seg.src);
      if (typeof segSrc === 'string' && segSrc) {
        st.box.append(h('img', { class: 'lp-overlay', alt: '', src: /^(data:|blob:|https?:|\/)/.test(segSrc) ? segSrc : 'data:image/png;base64,' + segSrc }));
      }
    }
    _validate() { return imageProblem(this._stage) || super._validate(); }
  }
  class ImageMultiClassifier extends ImageClassifier { get _multi() { return true; } }

  // ---------------------------------------------------------------- image annotation tools
  class Annotator extends Crowd {
    render() {
      const L = taskLayout(this);
      this._L = L;
      this._labels = listAttr(this, 'labels').map(labelText);
      if (!this._labels.length) throw new Error('The "labels" attribute lists no labels.');
      this._shapes = this._readInitial();
      this._initialJson = this._hadInitial ? JSON.stringify(this._out()) : null;
      this._sel = -1;
      this._cur = 0;
      this._picker();
      this._stage = imageStage(srcAttr(this), { focusable: true, label: (L.header || 'Image') + ': ' + this._help, onLoad: () => this._paint(), onResize: () => this._paint() });
      this._stage.wrap.classList.add('lp-draw');
      const svgEl = this._stage.svg;
      svgEl.addEventListener('pointerdown', (e) => {
        if (locked() || this.disabled || !this._stage.ok || e.button !== 0) return;
        e.preventDefault();
        this._stage.wrap.focus({ preventScroll: true });
        try { svgEl.setPointerCapture(e.pointerId); } catch (_) { /* synthetic pointer */ }
        this._down(this._stage.toImage(e), e.target, e);
        this._changed();
      });
      svgEl.addEventListener('pointermove', (e) => { if (this._drag || this._tracksHover) { this._move(this._stage.toImage(e), e); this._paint(); } });
      const end = (e) => { if (this._drag) { this._up(this._stage.toImage(e), e); this._drag = null; this._changed(); } };
      svgEl.addEventListener('pointerup', end);
      svgEl.addEventListener('pointercancel', () => { this._drag = null; this._paint(); });
      this._stage.wrap.addEventListener('keydown', (e) => this._key(e));
      this._list = h('ul', { class: 'lp-shapes', 'aria-label': 'Annotations' });
      L.main.append(this._choices.group, h('p', { class: 'lp-hint', text: this._help }), this._stage.wrap, this._list);
      L.finish();
      this._err = L.err;
      this._changed();
    }
    _picker() {
      const old = this._choices;
      this._choices = makeChoices({ labels: this._labels, multi: false, colors: COLORS, aria: 'Label', onChange: (i) => this._labelPicked(i) });
      this._choices.sel = new Set([this._cur]);
      this._choices.paint();
      if (old) old.group.replaceWith(this._choices.group);
    }
    // Templates read and extend the label list (A2I's hierarchical bounding-box sample does).
    get labels() {
      if (this._labels) return this._labels.slice();
      try { return listAttr(this, 'labels').map(labelText); } catch (_) { return []; }
    }
    set labels(v) {
      if (!Array.isArray(v)) return;
      if (!this._choices) { this.setAttribute('labels', JSON.stringify(v.map(labelText))); return; }
      this._labels = v.map(labelText);
      if (!this._labels.length) this._labels = [''];
      this._cur = Math.min(this._cur, this._labels.length - 1);
      this._picker();
      this._changed();
    }
    _readInitial() {
      const v = readAttr(this, 'initial-value', null);
      this._hadInitial = v != null;
      if (v == null) return [];
      const list = Array.isArray(v) ? v : isObj(v) && Array.isArray(v[this._key0]) ? v[this._key0] : null;
      if (!list) throw new Error('The "initial-value" attribute must be a list of ' + this._key0 + '.');
      return list.filter(isObj).map((x) => this._fromInitial(x));
    }
    _color(label) { const i = this._labels.indexOf(label); return COLORS[(i < 0 ? 0 : i) % COLORS.length]; }
    _labelPicked(i) {
      this._cur = i;
      if (this._sel >= 0 && this._shapes[this._sel]) { this._shapes[this._sel].label = this._labels[i]; this._sel = -1; this._changed(); }
    }
    _select(i) {
      this._sel = i;
      const sh = this._shapes[i];
      if (sh) { const li = this._labels.indexOf(sh.label); if (li >= 0) { this._choices.sel = new Set([li]); this._cur = li; this._choices.paint(); } }
    }
    _pick(i) { return this._choices.activate(i); }
    _key(e) {
      if (locked()) return;
      const k = e.key;
      if ((k === 'Delete' || k === 'Backspace') && this._sel >= 0) { e.preventDefault(); this._remove(this._sel); return; }
      if (k === 'Escape' && (this._sel >= 0 || this._busy())) { e.preventDefault(); this._cancel(); this._sel = -1; this._changed(); return; }
      const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[k];
      if (d && this._sel >= 0) { e.preventDefault(); const m = e.shiftKey ? 10 : 1; this._nudge(this._shapes[this._sel], d[0] * m, d[1] * m); this._changed(); }
    }
    _busy() { return false; }
    _cancel() {}
    _remove(i) { this._shapes.splice(i, 1); this._sel = -1; this._changed(); }
    _changed() { this._showError(''); this._paint(); this._renderList(); }
    _renderList() {
      const list = this._list;
      list.textContent = '';
      this._shapes.forEach((sh, i) => {
        const pick = h('button', { type: 'button', class: 'lp-grow', 'data-lp': '', 'aria-pressed': String(i === this._sel) },
          h('span', { class: 'lp-swatch', style: 'display:inline-block;margin-right:.4rem;background:' + this._color(sh.label) }), sh.label + ' \u2014 ' + this._describe(sh));
        pick.addEventListener('click', () => { this._select(i); this._changed(); this._stage.wrap.focus(); });
        const del = h('button', { type: 'button', class: 'lp-x', 'data-lp': '', 'aria-label': 'Remove ' + sh.label + ' ' + (i + 1), text: '\u00d7' });
        del.addEventListener('click', () => { if (!locked()) this._remove(i); });
        list.append(h('li', { class: i === this._sel ? 'lp-sel' : null }, pick, del));
      });
      queueHeight();
    }
    _paint() {
      const st = this._stage;
      if (!st || !st.ok) return;
      const g = st.svg;
      g.textContent = '';
      const sc = st.scale();
      this._shapes.forEach((sh, i) => this._drawShape(g, sh, i, sc));
      this._drawExtra(g, sc);
    }
    _label(g, x, y, text, color, sc) {
      const t = s('text', { x: x + 2 * sc, y: Math.max(y - 4 * sc, 12 * sc), fill: color, class: 'lp-svgtext', 'font-size': 13 * sc });
      t.textContent = text;
      g.append(t);
    }
    _handle(g, x, y, i, extra, sc, color) {
      g.append(s('circle', Object.assign({ cx: x, cy: y, r: 5 * sc, stroke: color, class: 'lp-handle', 'data-i': i, style: 'cursor:pointer' }, extra)));
    }
    _drawExtra() {}
    get value() {
      if (!this._stage) return undefined;
      const v = this._out();
      if (this._stage.ok) v.inputImageProperties = props(this._stage);
      return v;
    }
    get _submittableValue() { return this.value; }
    _validate() { return imageProblem(this._stage); }
    _contribute(answer) { if (this.name) answer[this.name] = this.value; }
  }
  const R = Math.round;

  class BoundingBox extends Annotator {
    get _key0() { return 'boundingBoxes'; }
    get _help() { return 'Drag on the image to draw a box with the chosen label. Click a box to select it: drag it or its corners to adjust it, choose a label to relabel it, or press Delete to remove it.'; }
    _fromInitial(b) { return { label: labelText(b.label), left: +b.left || 0, top: +b.top || 0, width: +b.width || 0, height: +b.height || 0 }; }
    _describe(b) { return R(b.width) + '\u00d7' + R(b.height) + ' at ' + R(b.left) + ', ' + R(b.top); }
    _out() {
      const v = { boundingBoxes: this._shapes.map((b) => ({ height: R(b.height), label: b.label, left: R(b.left), top: R(b.top), width: R(b.width) })) };
      if (this._initialJson != null) v.initialValueModified = JSON.stringify({ boundingBoxes: v.boundingBoxes }) !== this._initialJson;
      return v;
    }
    _down(p, t) {
      const i = t.dataset ? t.dataset.i : undefined;
      if (t.dataset && t.dataset.corner) {
        const b = this._shapes[+i];
        const c = t.dataset.corner;
        this._drag = { mode: 'resize', i: +i, fx: c.includes('w') ? b.left + b.width : b.left, fy: c.includes('n') ? b.top + b.height : b.top };
      } else if (i !== undefined) {
        this._select(+i);
        const b = this._shapes[+i];
        this._drag = { mode: 'move', i: +i, dx: p.x - b.left, dy: p.y - b.top };
      } else {
        this._sel = -1;
        this._drag = { mode: 'draw', x0: p.x, y0: p.y, x1: p.x, y1: p.y };
      }
    }
    _move(p) {
      const d = this._drag, st = this._stage;
      if (d.mode === 'draw') { d.x1 = p.x; d.y1 = p.y; }
      else if (d.mode === 'move') { const b = this._shapes[d.i]; b.left = clamp(p.x - d.dx, 0, st.w - b.width); b.top = clamp(p.y - d.dy, 0, st.h - b.height); }
      else { const b = this._shapes[d.i]; Object.assign(b, { left: Math.min(d.fx, p.x), top: Math.min(d.fy, p.y), width: Math.abs(p.x - d.fx), height: Math.abs(p.y - d.fy) }); }
    }
    _up(p) {
      const d = this._drag;
      this._move(p);
      if (d.mode !== 'draw') return;
      const w = Math.abs(d.x1 - d.x0), hh = Math.abs(d.y1 - d.y0), sc = this._stage.scale();
      if (w / sc < 4 || hh / sc < 4) return;
      this._shapes.push({ label: this._labels[this._cur], left: Math.min(d.x0, d.x1), top: Math.min(d.y0, d.y1), width: w, height: hh });
    }
    _nudge(b, dx, dy) { b.left = clamp(b.left + dx, 0, this._stage.w - b.width); b.top = clamp(b.top + dy, 0, this._stage.h - b.height); }
    _drawShape(g, b, i, sc) {
      const c = this._color(b.label), sel = i === this._sel;
      g.append(s('rect', { x: b.left, y: b.top, width: b.width, height: b.height, fill: c, 'fill-opacity': sel ? 0.22 : 0.1, stroke: c, class: 'lp-shape' + (sel ? ' lp-sel' : ''), 'data-i': i }));
      this._label(g, b.left, b.top, b.label, c, sc);
      if (sel) {
        for (const [corner, x, y] of [['nw', b.left, b.top], ['ne', b.left + b.width, b.top], ['sw', b.left, b.top + b.height], ['se', b.left + b.width, b.top + b.height]])
          this._handle(g, x, y, i, { 'data-corner': corner, style: 'cursor:' + corner + '-resize' }, sc, c);
      }
    }
    _drawExtra(g) {
      const d = this._drag;
      if (d && d.mode === 'draw') {
        const c = this._color(this._labels[this._cur]);
        g.append(s('rect', { x: Math.min(d.x0, d.x1), y: Math.min(d.y0, d.y1), width: Math.abs(d.x1 - d.x0), height: Math.abs(d.y1 - d.y0), fill: c, 'fill-opacity': 0.15, stroke: c, 'stroke-dasharray': '6 4', class: 'lp-shape' }));
      }
    }
  }

  class Keypoint extends Annotator {
    get _key0() { return 'keypoints'; }
    get _help() { return 'Click the image to place a point with the chosen label. Drag a point to move it; click it, then choose a label to relabel it or press Delete to remove it.'; }
    _fromInitial(p) { return { label: labelText(p.label), x: +p.x || 0, y: +p.y || 0 }; }
    _describe(p) { return '(' + R(p.x) + ', ' + R(p.y) + ')'; }
    _out() { return { keypoints: this._shapes.map((p) => ({ label: p.label, x: R(p.x), y: R(p.y) })) }; }
    _down(p, t) {
      let i = t.dataset ? t.dataset.i : undefined;
      const fresh = i === undefined;
      if (fresh) { this._shapes.push({ label: this._labels[this._cur], x: p.x, y: p.y }); i = this._shapes.length - 1; } else this._select(+i);
      this._drag = { i: +i, fresh };
    }
    _move(p) { const k = this._shapes[this._drag.i]; k.x = p.x; k.y = p.y; }
    _up(p) { this._move(p); if (this._drag.fresh) this._sel = -1; }
    _nudge(k, dx, dy) { k.x = clamp(k.x + dx, 0, this._stage.w); k.y = clamp(k.y + dy, 0, this._stage.h); }
    _drawShape(g, k, i, sc) {
      const c = this._color(k.label), sel = i === this._sel;
      g.append(s('circle', { cx: k.x, cy: k.y, r: (sel ? 8 : 6) * sc, fill: c, stroke: '#fff', class: 'lp-shape' + (sel ? ' lp-sel' : ''), 'data-i': i }));
      this._label(g, k.x + 6 * sc, k.y - 4 * sc, k.label, c, sc);
    }
  }

  class Polygon extends Annotator {
    get _key0() { return 'polygons'; }
    get _help() { return 'Click to place the corners of a polygon; click the first corner, double-click or press Enter to close it (Escape cancels). Drag a corner of the selected polygon to adjust it; Delete removes it.'; }
    _fromInitial(pg) { return { label: labelText(pg.label), vertices: (Array.isArray(pg.vertices) ? pg.vertices : []).map((v) => ({ x: +v.x || 0, y: +v.y || 0 })) }; }
    _describe(pg) { return pg.vertices.length + ' corners'; }
    _out() { return { polygons: this._shapes.map((pg) => ({ label: pg.label, vertices: pg.vertices.map((v) => ({ x: R(v.x), y: R(v.y) })) })) }; }
    get _tracksHover() { return !!this._open; }
    _busy() { return !!this._open; }
    _cancel() { this._open = null; }
    _down(p, t) {
      const ds = t.dataset || {};
      const sc = this._stage.scale();
      if (this._open) {
        const first = this._open.vertices[0];
        if (this._open.vertices.length >= 3 && Math.hypot(p.x - first.x, p.y - first.y) <= 9 * sc) { this._close(); return; }
        this._open.vertices.push({ x: p.x, y: p.y });
        return;
      }
      if (ds.v !== undefined && +ds.i === this._sel) { this._drag = { i: +ds.i, v: +ds.v }; return; }
      if (ds.i !== undefined) { this._select(+ds.i); return; }
      this._sel = -1;
      this._open = { label: this._labels[this._cur], vertices: [{ x: p.x, y: p.y }], hover: p };
    }
    _move(p) {
      if (this._drag) { const v = this._shapes[this._drag.i].vertices[this._drag.v]; v.x = p.x; v.y = p.y; }
      else if (this._open) this._open.hover = p;
    }
    _up(p) { this._move(p); }
    _close() {
      const o = this._open;
      this._open = null;
      if (!o || o.vertices.length < 3) { this._paint(); return; }
      this._shapes.push({ label: o.label, vertices: o.vertices });
      this._sel = -1;
      this._changed();
    }
    render() {
      super.render();
      this._stage.svg.addEventListener('dblclick', (e) => {
        if (!this._open) return;
        e.preventDefault();
        // The two clicks of the double-click each placed a corner at the same spot; drop the extra one.
        const vs = this._open.vertices;
        while (vs.length > 3 && Math.hypot(vs[vs.length - 1].x - vs[vs.length - 2].x, vs[vs.length - 1].y - vs[vs.length - 2].y) < 1) vs.pop();
        this._close();
      });
    }
    _key(e) {
      if (this._open && e.key === 'Enter') { e.preventDefault(); this._close(); return; }
      if (this._open && e.key === 'Backspace') { e.preventDefault(); this._open.vertices.pop(); if (!this._open.vertices.length) this._open = null; this._paint(); return; }
      super._key(e);
    }
    _nudge(pg, dx, dy) { for (const v of pg.vertices) { v.x = clamp(v.x + dx, 0, this._stage.w); v.y = clamp(v.y + dy, 0, this._stage.h); } }
    _drawShape(g, pg, i, sc) {
      const c = this._color(pg.label), sel = i === this._sel;
      g.append(s('polygon', { points: pg.vertices.map((v) => v.x + ',' + v.y).join(' '), fill: c, 'fill-opacity': sel ? 0.25 : 0.12, stroke: c, class: 'lp-shape' + (sel ? ' lp-sel' : ''), 'data-i': i }));
      if (pg.vertices[0]) this._label(g, pg.vertices[0].x, pg.vertices[0].y, pg.label, c, sc);
      if (sel) pg.vertices.forEach((v, j) => this._handle(g, v.x, v.y, i, { 'data-v': j, style: 'cursor:move' }, sc, c));
    }
    _drawExtra(g, sc) {
      const o = this._open;
      if (!o) return;
      const c = this._color(o.label);
      const pts = o.vertices.concat(o.hover ? [o.hover] : []);
      g.append(s('polyline', { points: pts.map((v) => v.x + ',' + v.y).join(' '), fill: 'none', stroke: c, 'stroke-dasharray': '6 4', class: 'lp-shape', style: 'pointer-events:none' }));
      o.vertices.forEach((v, j) => g.append(s('circle', { cx: v.x, cy: v.y, r: (j === 0 ? 6 : 4) * sc, fill: j === 0 ? '#fff' : c, stroke: c, class: 'lp-handle', style: 'pointer-events:none' })));
    }
  }

  // ---------------------------------------------------------------- entity annotation
  const WORDCH = /[\p{L}\p{N}\p{M}_]/u;
  class EntityAnnotation extends Crowd {
    render() {
      const L = taskLayout(this);
      this._labels = listAttr(this, 'labels').map((l) => isObj(l)
        ? { label: labelText(l), short: String(l.shortDisplayName || labelText(l)), full: String(l.fullDisplayName || labelText(l)) }
        : { label: String(l), short: String(l), full: String(l) });
      if (!this._labels.length) throw new Error('The "labels" attribute lists no labels.');
      this._text = this.getAttribute('text') || '';
      this._cps = Array.from(this._text);
      this._ents = [];
      let init = readAttr(this, 'initial-value', null);
      if (isObj(init) && Array.isArray(init.entities)) init = init.entities;
      if (init != null && !Array.isArray(init)) throw new Error('The "initial-value" attribute must be a list of entities.');
      for (const e of init || []) {
        const a = Math.trunc(+e.startOffset), b = Math.trunc(+e.endOffset);
        if (isObj(e) && a >= 0 && b > a && b <= this._cps.length && !this._overlaps(a, b)) this._ents.push({ label: labelText(e.label), start: a, end: b });
      }
      this._cur = 0;
      this._sel = -1;
      this._choices = makeChoices({ labels: this._labels.map((l) => l.full), multi: false, colors: COLORS, aria: 'Label', onChange: (i) => this._labelPicked(i) });
      this._choices.sel = new Set([0]);
      this._choices.paint();
      this._box = h('div', { class: 'lp-ea-text', 'aria-label': 'Text to annotate', role: 'document' });
      this._box.addEventListener('mouseup', () => setTimeout(() => this._fromSelection(), 0));
      this._box.addEventListener('keyup', (e) => { if (e.shiftKey) this._fromSelection(); });
      this._box.addEventListener('click', (e) => {
        const m = e.target.closest && e.target.closest('.lp-ent');
        if (m && D.getSelection().isCollapsed) { this._select(+m.dataset.i); }
      });
      this._box.addEventListener('keydown', (e) => {
        if ((e.key === 'Delete' || e.key === 'Backspace') && this._sel >= 0 && !locked()) { e.preventDefault(); this._remove(this._sel); }
      });
      this._box.tabIndex = 0;
      this._list = h('ul', { class: 'lp-shapes', 'aria-label': 'Labelled text' });
      this._note = h('div', { class: 'lp-hint', 'aria-live': 'polite' });
      L.main.append(this._choices.group, h('p', { class: 'lp-hint', text: 'Choose a label, then highlight words in the text to apply it. Click highlighted text to select it; choose another label to change it, or press Delete to remove it.' }), this._box, this._note, this._list);
      L.finish();
      this._err = L.err;
      this._paint();
    }
    _color(label) { const i = this._labels.findIndex((l) => l.label === label); return COLORS[(i < 0 ? 0 : i) % COLORS.length]; }
    _short(label) { const l = this._labels.find((x) => x.label === label); return l ? l.short : label; }
    _overlaps(a, b, skip) { return this._ents.some((e, i) => i !== skip && a < e.end && e.start < b); }
    _labelPicked(i) {
      this._cur = i;
      if (this._sel >= 0) { this._ents[this._sel].label = this._labels[i].label; this._sel = -1; this._paint(); }
    }
    _pick(i) { return this._choices.activate(i); }
    _select(i) {
      this._sel = i;
      const li = this._labels.findIndex((l) => l.label === this._ents[i].label);
      if (li >= 0) { this._cur = li; this._choices.sel = new Set([li]); this._choices.paint(); }
      this._paint();
    }
    _remove(i) { this._ents.splice(i, 1); this._sel = -1; this._paint(); }
    // DOM selection -> code point offsets, snapped to whole words and trimmed of spaces.
    _fromSelection() {
      if (locked() || this.disabled) return;
      const sel = D.getSelection();
      if (!sel || sel.isCollapsed || !sel.rangeCount) return;
      const r = sel.getRangeAt(0);
      if (!this._box.contains(r.startContainer) || !this._box.contains(r.endContainer)) return;
      const u16 = (node, off) => { const x = D.createRange(); x.setStart(this._box, 0); x.setEnd(node, off); return x.toString().length; };
      const cp = (n) => Array.from(this._text.slice(0, n)).length;
      let a = cp(u16(r.startContainer, r.startOffset)), b = cp(u16(r.endContainer, r.endOffset));
      const t = this._cps;
      while (a < b && /\s/u.test(t[a])) a++;
      while (b > a && /\s/u.test(t[b - 1])) b--;
      if (a >= b) return;
      while (a > 0 && WORDCH.test(t[a - 1]) && WORDCH.test(t[a])) a--;
      while (b < t.length && WORDCH.test(t[b]) && WORDCH.test(t[b - 1])) b++;
      sel.removeAllRanges();
      const same = this._ents.findIndex((e) => e.start === a && e.end === b);
      if (same >= 0) { this._select(same); return; }
      if (this._overlaps(a, b)) { this._note.textContent = 'That selection overlaps text that is already labelled; remove that label first.'; return; }
      this._ents.push({ label: this._labels[this._cur].label, start: a, end: b });
      this._ents.sort((x, y) => x.start - y.start);
      this._sel = -1;
      this._showError('');
      this._paint();
    }
    _paint() {
      const box = this._box, t = this._cps;
      this._note.textContent = '';
      box.textContent = '';
      let pos = 0;
      this._ents.forEach((e, i) => {
        if (e.start > pos) box.append(t.slice(pos, e.start).join(''));
        box.append(h('mark', { class: 'lp-ent' + (i === this._sel ? ' lp-sel' : ''), 'data-i': i, 'data-tag': this._short(e.label), style: '--c:' + this._color(e.label), title: e.label }, t.slice(e.start, e.end).join('')));
        pos = e.end;
      });
      if (pos < t.length) box.append(t.slice(pos).join(''));
      this._list.textContent = '';
      this._ents.forEach((e, i) => {
        const pick = h('button', { type: 'button', class: 'lp-grow', 'data-lp': '', 'aria-pressed': String(i === this._sel) },
          h('span', { class: 'lp-swatch', style: 'display:inline-block;margin-right:.4rem;background:' + this._color(e.label) }),
          e.label + ': \u201c' + t.slice(e.start, e.end).join('') + '\u201d');
        pick.addEventListener('click', () => this._select(i));
        const del = h('button', { type: 'button', class: 'lp-x', 'data-lp': '', 'aria-label': 'Remove label ' + e.label + ' from \u201c' + t.slice(e.start, e.end).join('') + '\u201d', text: '\u00d7' });
        del.addEventListener('click', () => { if (!locked()) this._remove(i); });
        this._list.append(h('li', { class: i === this._sel ? 'lp-sel' : null }, pick, del));
      });
      queueHeight();
    }
    get value() { return this._ents ? { entities: this._ents.map((e) => ({ endOffset: e.end, label: e.label, startOffset: e.start })) } : undefined; }
    get _submittableValue() { return this.value; }
    _validate() { return null; }
    _contribute(answer) { if (this.name && this._ents) answer[this.name] = this.value; }
  }

  // ---------------------------------------------------------------- A2I: Rekognition moderation labels
  const REK_KEY = 'AWS/Rekognition/DetectModerationLabels/Image/V3';
  class RekognitionModeration extends Crowd {
    render() {
      const L = taskLayout(this, 'Review the image and choose all applicable categories.');
      this._cats = listAttr(this, 'categories');
      this._stage = imageStage(srcAttr(this));
      const names = this._cats.map(labelText);
      const sub = this._cats.map((c) => (isObj(c) && c.parentName ? 'in ' + c.parentName : ''));
      this._choices = makeChoices({ labels: names, sub, multi: true, exclusion: exclusionText(this, 'None of these'), aria: L.header, onChange: () => this._showError('') });
      L.main.append(this._stage.wrap, this._choices.group);
      L.finish();
      this._err = L.err;
    }
    _pick(i) { return this._choices ? this._choices.activate(i) : false; }
    get _classLike() { return true; }
    get value() {
      if (!this._choices) return undefined;
      const picked = this._choices.excl ? [] : Array.from(this._choices.sel).sort((a, b) => a - b).map((i) => clone(this._cats[i]));
      return { [REK_KEY]: { moderationLabels: picked } };
    }
    _validate() {
      const c = this._choices;
      if (c && !c.sel.size && !c.excl) return { message: 'Choose the categories that apply, or "' + exclusionText(this, 'None of these') + '".', focus: c.buttons[0] };
      return null;
    }
    _contribute(answer) { Object.assign(answer, this.value); }
  }

  // ---------------------------------------------------------------- A2I: Textract key-value pairs
  const TX_KEY = 'AWS/Textract/AnalyzeDocument/Forms/V1';
  function rel(b, type) {
    const out = [];
    for (const r of (b && b.relationships) || []) if (r && r.type === type && Array.isArray(r.ids)) out.push(...r.ids);
    return out;
  }
  function geom(left, top, width, height) {
    return { boundingBox: { height, left, top, width }, polygon: [{ x: left, y: top }, { x: left + width, y: top }, { x: left + width, y: top + height }, { x: left, y: top + height }] };
  }
  function normKey(t) { return String(t || '').toLowerCase().replace(/\s+/g, ' ').replace(/[\s:]+$/, '').trim(); }
  class TextractForms extends Crowd {
    render() {
      const L = taskLayout(this, 'Review the key-value pairs listed and correct them if they don\u2019t match the document.');
      const rawSrc = (this.getAttribute('src') || '').trim();
      let pages = [rawSrc];
      if (rawSrc.startsWith('[')) {
        const v = readAttr(this, 'src', []);
        if (!Array.isArray(v)) throw new Error('The "src" attribute must be an image URL or a list of page image URLs.');
        pages = v.map((x) => (isObj(x) ? String(x.src || x.url || '') : String(x)));
      }
      this._pages = pages.filter(Boolean);
      if (!this._pages.length) this._pages = [''];
      let raw = readAttr(this, 'initial-value', []);
      if (isObj(raw)) raw = raw.blocks || raw.Blocks || [];
      if (!Array.isArray(raw)) throw new Error('The "initial-value" attribute must be a list of Textract blocks.');
      const blocks = camel(raw).filter(isObj);
      this._byId = new Map(blocks.map((b) => [b.id, b]));
      this._paged = blocks.some((b) => b.page != null) || this._pages.length > 1;
      this._noKeyEdit = flag(this, 'no-key-edit');
      this._noGeo = flag(this, 'no-geometry-edit');
      this._keys = listAttr(this, 'keys').map((k) => camel(isObj(k) ? k : { importantFormKey: String(k) }))
        .map((k) => ({ name: String(k.importantFormKey || ''), aliases: (Array.isArray(k.importantFormKeyAliases) ? k.importantFormKeyAliases : []).map(String) }))
        .filter((k) => k.name);
      const kv = (b) => b.blockType === 'KEY_VALUE_SET';
      const has = (b, t) => Array.isArray(b.entityTypes) && b.entityTypes.includes(t);
      const used = new Set();
      this._pairs = [];
      for (const b of blocks) {
        if (!kv(b) || !has(b, 'KEY')) continue;
        const vid = rel(b, 'VALUE')[0];
        const vb = vid != null ? this._byId.get(vid) : null;
        if (vb) used.add(vb.id);
        this._pairs.push({ key: this._side(b), value: this._side(vb), vid, page: b.page || 1, isNew: false, deleted: false });
      }
      this._orphans = blocks.filter((b) => kv(b) && !has(b, 'KEY') && !used.has(b.id));
      this._page = 0;
      this._active = -1;
      this._drawing = null;
      // document viewer
      this._pageBar = h('div', { class: 'lp-pages', role: 'group', 'aria-label': 'Pages', hidden: this._pages.length < 2 });
      this._pages.forEach((_, i) => {
        const b = h('button', { type: 'button', class: 'lp-btn lp-small', 'aria-pressed': String(i === 0), text: 'Page ' + (i + 1) });
        b.addEventListener('click', () => this._showPage(i));
        this._pageBar.append(b);
      });
      this._stage = imageStage(this._pages[0], { unit: true, alt: 'Document page 1', onLoad: () => this._paint() });
      const svgEl = this._stage.svg;
      svgEl.addEventListener('pointerdown', (e) => this._geoDown(e));
      svgEl.addEventListener('pointermove', (e) => this._geoMove(e));
      svgEl.addEventListener('pointerup', (e) => this._geoUp(e));
      this._stage.wrap.addEventListener('keydown', (e) => { if (e.key === 'Escape' && this._drawing) { e.preventDefault(); this._endDraw(); } });
      this._drawNote = h('p', { class: 'lp-hint', 'aria-live': 'polite' });
      const doc = h('div', { class: 'lp-tx-doc' }, this._pageBar, this._stage.wrap, this._drawNote);
      // pairs
      this._missing = h('div', { class: 'lp-tx-missing', hidden: true });
      this._list = h('div', { class: 'lp-tx-pairs' });
      const addBtn = h('button', { type: 'button', class: 'lp-btn lp-small', 'data-lp': '', text: '+ Add a key-value pair' });
      addBtn.addEventListener('click', () => this._addPair(''));
      this._pairs.forEach((p, i) => this._list.append(this._card(p, i)));
      const col = h('div', null, h('h3', { class: 'lp-region-title', text: 'Key-value pairs (' + this._pairs.length + ')' }), this._missing, this._list, h('div', { class: 'lp-tx-tools' }, addBtn));
      L.main.append(h('div', { class: 'lp-tx' }, doc, col));
      L.finish();
      this._err = L.err;
      this._updateMissing();
    }
    _side(b) {
      if (!b) return { block: null, text: '', orig: '', words: [], sels: [], geo: null };
      const kids = rel(b, 'CHILD').map((id) => this._byId.get(id)).filter(Boolean);
      const words = kids.filter((k) => k.blockType === 'WORD');
      const sels = kids.filter((k) => k.blockType === 'SELECTION_ELEMENT').map((k) => ({ block: k, status: k.selectionStatus, orig: k.selectionStatus }));
      const text = words.length ? words.map((w) => w.text || '').join(' ') : typeof b.text === 'string' ? b.text : '';
      return { block: b, text, orig: text, words, sels, geo: null };
    }
    _important(text) {
      const n = normKey(text);
      if (!n) return null;
      return this._keys.find((k) => normKey(k.name) === n || k.aliases.some((a) => normKey(a) === n)) || null;
    }
    _conf(sd) { const c = sd.block && sd.block.confidence; return typeof c === 'number' ? Math.round(c) + '%' : null; }
    _card(p, i) {
      const card = h('div', { class: 'lp-tx-pair', role: 'group', 'aria-label': 'Pair ' + (i + 1), 'data-i': i });
      const imp = h('span', { class: 'lp-badge lp-warnb', hidden: true, text: 'Important' });
      const kc = this._conf(p.key), vc = this._conf(p.value);
      const del = h('button', { type: 'button', class: 'lp-x', 'data-lp': '', 'aria-label': 'Remove pair ' + (i + 1), title: 'Remove this pair', text: '\u00d7' });
      const top = h('div', { class: 'lp-tx-top' }, h('strong', { text: '#' + (i + 1) }), imp,
        this._pages.length > 1 ? h('span', { class: 'lp-badge lp-soft', text: 'Page ' + p.page }) : null,
        kc || vc ? h('span', { text: 'Confidence: key ' + (kc || '\u2013') + ', value ' + (vc || '\u2013') }) : null, del);
      const kid = uid('k'), vid = uid('v');
      const grid = h('div', { class: 'lp-tx-grid' });
      const keyEditable = !this._noKeyEdit || p.isNew;
      let keyInput = null;
      grid.append(h('label', { class: 'lp-label', for: kid, text: 'Key' }));
      if (keyEditable) {
        keyInput = h('input', { id: kid, class: 'lp-text', 'data-lp': '', value: p.key.text });
        keyInput.addEventListener('input', () => { p.key.text = keyInput.value; markImp(); this._updateMissing(); });
        grid.append(keyInput);
      } else grid.append(h('div', { class: 'lp-tx-ro', id: kid, text: p.key.text || '(no text)' }));
      grid.append(h('label', { class: 'lp-label', for: vid, text: 'Value' }));
      const valInput = h('input', { id: vid, class: 'lp-text', 'data-lp': '', value: p.value.text });
      valInput.addEventListener('input', () => { p.value.text = valInput.value; });
      const valCell = h('div', null, valInput);
      p.value.sels.forEach((sx, j) => {
        const cb = h('input', { type: 'checkbox', 'data-lp': '' });
        cb.checked = sx.status === 'SELECTED';
        cb.addEventListener('change', () => { sx.status = cb.checked ? 'SELECTED' : 'NOT_SELECTED'; });
        valCell.append(h('label', { class: 'lp-check' }, cb, 'Selected' + (p.value.sels.length > 1 ? ' (' + (j + 1) + ')' : '')));
      });
      grid.append(valCell);
      card.append(top, grid);
      if (!this._noGeo) {
        const tools = h('div', { class: 'lp-tx-tools' });
        for (const which of keyEditable ? ['key', 'value'] : ['value']) {
          const b = h('button', { type: 'button', class: 'lp-btn lp-small', 'data-lp': '', text: 'Draw ' + which + ' box' });
          b.addEventListener('click', () => this._startDraw(p, which));
          tools.append(b);
        }
        card.append(tools);
      }
      const markImp = () => { const k = this._important(p.key.text); imp.hidden = !k; card.classList.toggle('lp-imp', !!k); };
      markImp();
      del.addEventListener('click', () => {
        if (locked()) return;
        p.deleted = !p.deleted;
        card.style.opacity = p.deleted ? '0.55' : '';
        del.textContent = p.deleted ? '\u21b6' : '\u00d7';
        del.setAttribute('aria-label', (p.deleted ? 'Restore pair ' : 'Remove pair ') + (i + 1));
        for (const c of card.querySelectorAll('input')) c.disabled = p.deleted;
        this._updateMissing();
        this._paint();
      });
      const act = () => this._activate(i);
      card.addEventListener('mouseenter', act);
      card.addEventListener('focusin', act);
      p.card = card;
      return card;
    }
    _addPair(keyText) {
      if (locked()) return;
      const p = { key: this._side(null), value: this._side(null), vid: null, page: this._page + 1, isNew: true, deleted: false };
      p.key.text = keyText;
      this._pairs.push(p);
      const card = this._card(p, this._pairs.length - 1);
      this._list.append(card);
      this._updateMissing();
      const inputs = card.querySelectorAll('input.lp-text');
      (keyText ? inputs[1] : inputs[0]).focus();
      queueHeight();
    }
    _updateMissing() {
      const present = new Set();
      for (const p of this._pairs) { if (p.deleted) continue; const k = this._important(p.key.text); if (k) present.add(k); }
      const missing = this._keys.filter((k) => !present.has(k));
      const box = this._missing;
      box.textContent = '';
      box.hidden = !missing.length;
      if (!missing.length) return;
      const ul = h('ul');
      for (const k of missing) {
        const b = h('button', { type: 'button', class: 'lp-link', 'data-lp': '', text: 'add it' });
        b.addEventListener('click', () => this._addPair(k.name));
        ul.append(h('li', null, h('strong', { text: k.name }), ' \u2014 not found. ', b));
      }
      box.append(h('div', { text: 'Important keys not in the list: if the document has them, add them.' }), ul);
      queueHeight();
    }
    _activate(i) {
      if (this._active === i) return;
      this._active = i;
      this._pairs.forEach((p, j) => p.card && p.card.classList.toggle('lp-active', j === i));
      const p = this._pairs[i];
      if (p && p.page - 1 !== this._page && p.page - 1 < this._pages.length) this._showPage(p.page - 1);
      else this._paint();
    }
    _showPage(n) {
      if (n === this._page) return;
      this._page = n;
      Array.from(this._pageBar.children).forEach((b, i) => b.setAttribute('aria-pressed', String(i === n)));
      this._stage.img.alt = 'Document page ' + (n + 1);
      this._stage.svg.textContent = '';
      this._stage.setSrc(this._pages[n]);
    }
    _box(sd) {
      const g = sd.geo || (sd.block && sd.block.geometry);
      const bb = g && g.boundingBox;
      return bb && [bb.left, bb.top, bb.width, bb.height].every((v) => typeof v === 'number') ? bb : null;
    }
    _paint() {
      const svgEl = this._stage.svg;
      svgEl.textContent = '';
      this._pairs.forEach((p, i) => {
        if (p.deleted || p.page - 1 !== this._page) return;
        const on = i === this._active;
        [[p.key, '#c2410c'], [p.value, '#2563eb']].forEach(([sd, c]) => {
          const bb = this._box(sd);
          if (!bb) return;
          svgEl.append(s('rect', { x: bb.left, y: bb.top, width: bb.width, height: bb.height, fill: c, 'fill-opacity': on ? 0.25 : 0.05, stroke: c, 'stroke-opacity': on ? 1 : 0.45, class: 'lp-shape' + (on ? ' lp-sel' : ''), style: 'pointer-events:none', 'data-pair': i }));
        });
      });
      const d = this._drawing;
      if (d && d.x1 != null) svgEl.append(s('rect', { x: Math.min(d.x0, d.x1), y: Math.min(d.y0, d.y1), width: Math.abs(d.x1 - d.x0), height: Math.abs(d.y1 - d.y0), fill: 'none', stroke: '#111', 'stroke-dasharray': '5 4', class: 'lp-shape' }));
    }
    _startDraw(p, which) {
      if (locked()) return;
      this._drawing = { p, which };
      this._stage.wrap.classList.add('lp-draw');
      this._stage.wrap.tabIndex = 0;
      this._drawNote.textContent = 'Drag on the page to draw the ' + which + ' box (Escape cancels).';
      if (p.page - 1 !== this._page && !p.isNew) this._showPage(p.page - 1);
      this._stage.wrap.focus();
    }
    _endDraw() { this._drawing = null; this._stage.wrap.classList.remove('lp-draw'); this._drawNote.textContent = ''; this._paint(); }
    _norm(e) { const st = this._stage, q = st.toImage(e); return { x: st.w ? q.x / st.w : 0, y: st.h ? q.y / st.h : 0 }; }
    _geoDown(e) {
      const d = this._drawing;
      if (!d || !this._stage.ok || locked()) return;
      e.preventDefault();
      try { this._stage.svg.setPointerCapture(e.pointerId); } catch (_) { /* synthetic */ }
      const q = this._norm(e);
      Object.assign(d, { x0: q.x, y0: q.y, x1: q.x, y1: q.y });
      this._paint();
    }
    _geoMove(e) { const d = this._drawing; if (d && d.x0 != null) { const q = this._norm(e); d.x1 = q.x; d.y1 = q.y; this._paint(); } }
    _geoUp(e) {
      const d = this._drawing;
      if (!d || d.x0 == null) return;
      this._geoMove(e);
      const w = Math.abs(d.x1 - d.x0), hh = Math.abs(d.y1 - d.y0);
      if (w > 0.003 && hh > 0.003) {
        d.p[d.which].geo = geom(Math.min(d.x0, d.x1), Math.min(d.y0, d.y1), w, hh);
        if (d.p.isNew) d.p.page = this._page + 1;
      }
      this._endDraw();
    }
    _word(t, parent, p, tokens, i) {
      const w = { blockType: 'WORD', confidence: 100, id: uuid(), text: t };
      if (this._paged) w.page = parent.page != null ? parent.page : p.page;
      const bb = parent.geometry && parent.geometry.boundingBox;
      if (bb && typeof bb.left === 'number') {
        const total = tokens.join(' ').length || 1;
        const before = tokens.slice(0, i).join(' ').length + (i ? 1 : 0);
        w.geometry = geom(bb.left + bb.width * before / total, bb.top, bb.width * t.length / total, bb.height);
      }
      return w;
    }
    _emit(sd, p, type, valueId) {
      const orig = sd.block;
      if (type === 'VALUE' && !orig && !sd.text.trim() && !sd.geo) return null;
      const textChanged = sd.text !== sd.orig;
      const selChanged = sd.sels.some((x) => x.status !== x.orig);
      if (!orig && !sd.id) sd.id = uuid();
      const block = orig ? clone(orig) : { blockType: 'KEY_VALUE_SET', entityTypes: [type], id: sd.id };
      if (!orig && this._paged) block.page = p.page;
      if (sd.geo) block.geometry = clone(sd.geo);
      block.text = sd.text || (!sd.words.length && sd.sels.length ? sd.sels.map((x) => x.status).join(' ') : '');
      if (!orig || textChanged || sd.geo || selChanged) block.confidence = 100;
      const selOut = sd.sels.map((x) => { const c = clone(x.block); if (x.status !== x.orig) { c.selectionStatus = x.status; c.confidence = 100; } return c; });
      let ids, kids;
      if (orig && !textChanged && !sd.geo) {
        ids = rel(orig, 'CHILD');
        kids = ids.map((id) => selOut.find((c) => c.id === id) || (this._byId.has(id) ? clone(this._byId.get(id)) : null)).filter(Boolean);
      } else {
        const tokens = sd.text.split(/\s+/).filter(Boolean);
        const words = orig && !sd.geo && tokens.length === sd.words.length
          ? sd.words.map((w, i) => { const c = clone(w); if (c.text !== tokens[i]) { c.text = tokens[i]; c.confidence = 100; } return c; })
          : tokens.map((t, i) => this._word(t, block, p, tokens, i));
        kids = words.concat(selOut);
        ids = kids.map((k) => k.id);
      }
      const rels = [];
      if (ids.length) rels.push({ type: 'CHILD', ids });
      if (valueId != null) rels.push({ type: 'VALUE', ids: [valueId] });
      for (const r of (orig && orig.relationships) || []) if (r && r.type !== 'CHILD' && r.type !== 'VALUE') rels.push(clone(r));
      if (rels.length) block.relationships = rels; else delete block.relationships;
      return { block, kids };
    }
    _blocks() {
      const out = [];
      for (const p of this._pairs) {
        if (p.deleted) continue;
        const v = this._emit(p.value, p, 'VALUE', null);
        const k = this._emit(p.key, p, 'KEY', v ? v.block.id : p.vid);
        out.push(k.block, ...k.kids);
        if (v) out.push(v.block, ...v.kids);
      }
      for (const b of this._orphans) out.push(clone(b));
      return out;
    }
    get value() { return this._pairs ? { [TX_KEY]: { blocks: this._blocks() } } : undefined; }
    _validate() { return this._stage && this._stage.failed ? imageProblem(this._stage) : null; }
    _contribute(answer) { if (this._pairs) Object.assign(answer, this.value); }
  }

  // ---------------------------------------------------------------- frame plumbing
  function measure() {
    const b = D.body;
    const r = D.documentElement.getBoundingClientRect().height;
    return Math.ceil(Math.max(r, b ? b.scrollHeight : 0));
  }
  function queueHeight() {
    if (!state.flushed || state.heightQueued) return;
    state.heightQueued = true;
    requestAnimationFrame(() => {
      state.heightQueued = false;
      const hgt = measure();
      if (hgt !== state.lastHeight) { state.lastHeight = hgt; post({ type: 'loupe:height', height: hgt }); }
    });
  }
  function digitTarget() {
    if (state.digitTarget && state.digitTarget.isConnected) return state.digitTarget;
    let first = null;
    for (const el of D.querySelectorAll('*')) {
      if (!(el instanceof Crowd) || !el._pick || !el._lpBuilt || el._broken) continue;
      if (el._classLike) { first = el; break; }
      if (!first) first = el;
    }
    if (state.digitTarget) state.digitTarget.classList.remove('lp-show-keys');
    state.digitTarget = first;
    if (first) first.classList.add('lp-show-keys');
    return first;
  }
  function pickDigit(i) {
    if (state.expired || !Number.isInteger(i) || i < 0) return false;
    const t = digitTarget();
    return !!(t && !t.disabled && t._pick(i));
  }
  function expire() {
    if (state.expired) return;
    state.expired = true;
    const banner = h('div', { class: 'lp-expired', role: 'alert', 'data-lp-expired': '' },
      h('strong', { text: 'Time is up.' }), ' This task has expired, so your answer can no longer be submitted.');
    D.body.prepend(banner);
    // Reading stays possible (instructions, tabs); answering does not.
    for (const el of D.querySelectorAll('input,select,textarea,button')) if (!el.closest('.lp-layer') && !el.hasAttribute('data-lp-keep') && el.getAttribute('role') !== 'tab') el.disabled = true;
    for (const el of D.querySelectorAll('*')) if (el instanceof Crowd && el._lpBuilt) el._syncDisabled();
    D.body.classList.add('lp-is-expired');
    for (const d of D.querySelectorAll('dialog[open]')) d.close();
    try { banner.scrollIntoView({ block: 'start' }); } catch (_) { /* ignore */ }
    queueHeight();
  }
  function onKey(e) {
    if (e.defaultPrevented || e.isComposing) return;
    const t = e.target, inText = isTextField(t), modal = anyModalOpen();
    if (e.key === 'Escape') {
      if (modal) return;
      if (inText) { t.blur(); return; }
      post({ type: 'loupe:key', key: 'Escape' });
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') {
      if (!inText && !modal) { e.preventDefault(); post({ type: 'loupe:key', key: '?' }); }
      return;
    }
    if (/^[1-9]$/.test(e.key) && !inText && !modal) {
      if (pickDigit(Number(e.key) - 1)) e.preventDefault();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !modal && !state.expired) {
      if (t && t.nodeType === 1 && !t.hasAttribute('data-lp-enter-submits')) {
        if (t.closest('textarea,select,a[href],summary,[contenteditable=""],[contenteditable=true],[role=button],[role=tab],[role=switch]')) return;
        if (t.tagName === 'BUTTON' || (t.tagName === 'INPUT' && /^(button|submit|reset|image|file)$/i.test(t.type))) return;
      }
      for (const el of D.querySelectorAll('crowd-polygon')) if (el._busy && el._busy()) return;
      e.preventDefault();
      submitFirst(t);
    }
  }
  function onMessage(e) {
    if (e.source !== window.parent) return;
    const m = e.data;
    if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
    if (m.type === 'loupe:submit') { state.busyUntil = 0; submitFirst(null); }
    else if (m.type === 'loupe:expired') expire();
    else if (m.type === 'loupe:pick') pickDigit(Number(m.index));
    // The page asks after each load whether its frame still shows this document.
    else if (m.type === 'loupe:ping') post({ type: 'loupe:here' });
  }
  function onClick(e) {
    const b = e.target.closest && e.target.closest(SUBMIT_SEL);
    if (!b || b.disabled || b.hasAttribute('disabled')) return;
    const root = rootOf(b);
    if (!root) return;
    e.preventDefault();
    submitRoot(root);
  }
  function flush() {
    if (state.flushed) return;
    state.flushed = true;
    const list = state.pending.splice(0);
    list.sort((a, b) => (a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    for (const el of list) el._lpBuild();
    // A page of crowd elements without a crowd-form still gets one answer and a Submit button.
    const any = D.querySelector(TASKS + ',crowd-input,crowd-text-area,crowd-checkbox,crowd-radio-button,crowd-toggle-button,crowd-slider');
    if (!D.querySelector('crowd-form') && any && D.body) {
      state.formless = true;
      appendSubmit(D.body);
    }
    digitTarget();
    try { D.dispatchEvent(new CustomEvent('all-crowd-elements-ready')); } catch (_) { /* a listener threw */ }
    state.lastHeight = measure();
    post({ type: 'loupe:ready', height: state.lastHeight });
    if (typeof ResizeObserver === 'function') {
      const ro = new ResizeObserver(queueHeight);
      ro.observe(D.documentElement);
      if (D.body) ro.observe(D.body);
    }
    window.addEventListener('load', queueHeight);
  }

  injectStyle();
  const defs = {
    'crowd-form': CrowdForm,
    'short-instructions': ShortInstructions,
    'full-instructions': FullInstructions,
    'classification-target': class extends Plain {},
    'worker-comment': WorkerComment,
    'crowd-input': CrowdInput,
    'crowd-text-area': CrowdTextArea,
    'crowd-checkbox': CrowdCheckbox,
    'crowd-radio-group': CrowdRadioGroup,
    'crowd-radio-button': CrowdRadioButton,
    'crowd-toggle-button': CrowdToggleButton,
    'crowd-slider': CrowdSlider,
    'crowd-button': CrowdButton,
    'crowd-icon-button': CrowdIconButton,
    'crowd-fab': CrowdFab,
    'crowd-alert': CrowdAlert,
    'crowd-badge': CrowdBadge,
    'crowd-card': CrowdCard,
    'crowd-modal': CrowdModal,
    'crowd-instructions': CrowdInstructions,
    'crowd-tabs': CrowdTabs,
    'crowd-tab': class extends Plain {},
    'crowd-toast': CrowdToast,
    'crowd-classifier': Classifier,
    'crowd-classifier-multi-select': MultiClassifier,
    'crowd-image-classifier': ImageClassifier,
    'crowd-image-classifier-multi-select': ImageMultiClassifier,
    'crowd-bounding-box': BoundingBox,
    'crowd-keypoint': Keypoint,
    'crowd-polygon': Polygon,
    'crowd-entity-annotation': EntityAnnotation,
    'crowd-rekognition-detect-moderation-labels': RekognitionModeration,
    'crowd-textract-analyze-document': TextractForms,
  };
  for (const name of Object.keys(defs)) {
    try { customElements.define(name, defs[name]); } catch (err) { console.warn('crowd elements: ' + name + ': ' + err.message); }
  }
  D.addEventListener('keydown', onKey);
  D.addEventListener('click', onClick);
  window.addEventListener('message', onMessage);
  window.LoupeCrowd = Object.freeze({ parse: parseLoose, submit: () => submitFirst(null), version: '1' });
  if (D.readyState === 'loading') D.addEventListener('DOMContentLoaded', flush, { once: true });
  else flush();
})();
