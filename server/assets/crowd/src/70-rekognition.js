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

