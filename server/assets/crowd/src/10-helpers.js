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
  function locked() { return state.expired; }

