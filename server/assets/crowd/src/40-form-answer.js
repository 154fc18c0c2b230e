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
  function clearErrors(all) {
    for (const e of all) {
      if (e.classList.contains('lp-err')) e.textContent = '';
      e.classList.remove('lp-invalid');
    }
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
  // Checks and answers walk the whole composed tree under the form: the author's elements, what
  // the elements draw, and what template scripts put inside an element's shadow root.
  function validateRoot(root) {
    const all = deepAll(root);
    clearErrors(all);
    for (const el of all) {
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
    for (const el of deepAll(root)) {
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
  // The form an element answers in: the nearest crowd-form around it (across shadow roots), not
  // counting the inner forms task elements draw.
  function rootOf(el) {
    const f = el && closestDeep(el, (p) => p.localName === 'crowd-form' && !p._lpInner);
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
        const inner = '[data-lp]:not(:disabled),input,select,textarea,[tabindex]';
        const target = f.matches && f.matches('[data-lp],input,select,textarea,button,[tabindex]') ? f
          : (f.shadowRoot && f.shadowRoot.querySelector(inner)) || (f.querySelector && f.querySelector(inner));
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
  // The Submit button a form without one gets: in the crowd-form's shadow root (parts actions and
  // submit), or at the end of the body of a page without crowd-form.
  function appendSubmit(root, into) {
    if (hasSubmitControl(root)) return;
    const bar = h('div', { class: 'lp-actions', part: 'actions', 'data-lp-auto': '' },
      h('button', { type: 'button', class: 'lp-btn lp-primary', part: 'submit', 'data-lp': '', 'data-lp-submit': '', text: 'Submit' }));
    (into || root).append(bar);
  }

