/*
 * Loupe crowd elements: Loupe's own implementation of the Crowd HTML Elements vocabulary that
 * Amazon A2I worker task templates use. One classic script, no dependencies, no network access.
 * It runs inside Loupe's sandboxed task frame and talks to the task page only through postMessage
 * (see ../README.md for the message protocol).
 *
 * The source is one file per element family in this folder; the server's build script joins them
 * in file-name order into the one script Loupe serves, so everything shares this function's scope.
 */
(function () {
  'use strict';
  if (typeof window === 'undefined' || !window.customElements || customElements.get('crowd-form')) return;

  const D = document;
  const SVGNS = 'http://www.w3.org/2000/svg';
  const state = { dialogs: new Set(), flushed: false, expired: false, busyUntil: 0, pending: [], digitTarget: null, lastHeight: -1, heightQueued: false };
  const COLORS = ['#2563eb', '#c2410c', '#15803d', '#9333ea', '#be185d', '#0e7490', '#a16207', '#4f46e5', '#4d7c0f', '#475569'];
  let seq = 0;

