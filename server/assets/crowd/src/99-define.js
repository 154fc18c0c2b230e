  // ---------------------------------------------------------------- the element index and start-up
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
    'crowd-semantic-segmentation': SemanticSegmentation,
    'crowd-instance-segmentation': InstanceSegmentation,
    'crowd-line': CrowdLine,
    'crowd-polyline': CrowdPolyline,
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
