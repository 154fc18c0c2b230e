  // ---------------------------------------------------------------- category choices
  addShadowCss(`
.lp-choices{display:flex;flex-wrap:wrap;gap:.5rem}
.lp-choice{display:inline-flex;align-items:center;gap:.5rem;min-height:2.6rem;padding:.45rem .9rem;border:1.5px solid var(--lp-line);border-radius:var(--lp-r);background:var(--lp-bg);color:var(--lp-ink);font:inherit;font-family:var(--lp-font);cursor:pointer;text-align:left}
.lp-choice:hover:not(:disabled){border-color:var(--lp-accent)}
.lp-choice.lp-on{background:var(--lp-accent);border-color:var(--lp-accent);color:var(--lp-accent-ink)}
.lp-choice.lp-excl{border-style:dashed}
.lp-choice:disabled{opacity:.55;cursor:not-allowed}
.lp-choice-sub{display:block;font-size:.8rem;opacity:.8}
.lp-swatch{width:.8rem;height:.8rem;border-radius:3px;flex:none;border:1px solid rgba(0,0,0,.25)}
.lp-key{display:none;min-width:1.3rem;padding:0 .25rem;border:1px solid currentColor;border-radius:4px;font:600 .75rem/1.2rem ui-monospace,SFMono-Regular,Menlo,monospace;text-align:center;opacity:.75}
:host(.lp-show-keys) .lp-key{display:inline-block}
`);
  // Buttons for classifier-like elements: single choice (radio semantics, arrow keys) or several
  // (toggle buttons), with an optional exclusion ("none of these") button that clears the others.
  // Parts: categories (the group, also class category-picker-wrapper as in AWS's classifier),
  // choice (each button; plus `selected` when chosen, `exclusion` for the exclusion button).
  function makeChoices(o) {
    const labels = o.labels;
    const all = labels.concat(o.exclusion != null ? [o.exclusion] : []);
    const group = h('div', { class: 'lp-choices category-picker-wrapper', part: 'categories', role: o.multi ? 'group' : 'radiogroup', 'aria-label': o.aria || 'Categories' });
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
          b.part.toggle('selected', on);
          if (o.multi) b.setAttribute('aria-pressed', String(on));
          else { b.setAttribute('aria-checked', String(on)); if (on) focusable = i; }
        });
        if (!o.multi) api.buttons.forEach((b, i) => { b.tabIndex = i === (focusable < 0 ? 0 : focusable) ? 0 : -1; });
      },
    };
    all.forEach((text, i) => {
      const isExcl = i >= labels.length;
      const b = h('button', { type: 'button', class: 'lp-choice' + (isExcl ? ' lp-excl' : ''), part: isExcl ? 'choice exclusion' : 'choice', 'data-lp': '', 'data-lp-enter-submits': '', role: o.multi ? null : 'radio' },
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
        const cur = api.buttons.indexOf(group.getRootNode().activeElement);
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

