/**
 * The viewer page's script, plain browser JavaScript kept as a string so the page is one self-contained file
 * (no bundler at render time, nothing fetched). It reads the `#viewer-data` JSON block; every text from the
 * result reaches the page through textContent or DOM attributes, never through markup. Its behaviour is
 * covered by the real-browser tests in test/shared/output/viewer/.
 */
export const VIEWER_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('viewer-data').textContent);
  var result = data.result;
  var words = result.words;
  var count = words.length;
  var LOW = data.lowScoreThreshold;
  // Above this many words in view, boxes are too thin to read or click: the canvas strip shows them instead.
  var MAX_DOM_WORDS = 800;
  var duration = Math.max(result.audio.durationSec, count > 0 ? words[count - 1].end : 0, 0.001);

  var timeline = document.getElementById('timeline');
  var track = document.getElementById('track');
  var canvas = document.getElementById('wave');
  var layer = document.getElementById('words');
  var playhead = document.getElementById('playhead');
  var audio = document.getElementById('audio');
  var playButton = document.getElementById('play');
  var clock = document.getElementById('clock');
  var currentLabel = document.getElementById('current-word');
  var zoomInput = document.getElementById('zoom');
  var hint = document.getElementById('hint');

  // Prefix maximum of ends and suffix minimum of starts: both monotonic, so the words overlapping a time
  // range are found by two binary searches even if interpolated words overlap their neighbours.
  var starts = new Float64Array(count);
  var ends = new Float64Array(count);
  var maxEndUpTo = new Float64Array(count);
  var minStartFrom = new Float64Array(count);
  for (var i = 0; i < count; i++) {
    starts[i] = words[i].start;
    ends[i] = words[i].end;
    maxEndUpTo[i] = i > 0 ? Math.max(maxEndUpTo[i - 1], ends[i]) : ends[i];
  }
  for (var j = count - 1; j >= 0; j--) {
    minStartFrom[j] = j < count - 1 ? Math.min(minStartFrom[j + 1], starts[j]) : starts[j];
  }

  function firstIndex(array, predicate) {
    var low = 0;
    var high = array.length;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (predicate(array[mid])) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  function isLow(word) { return word.aligned && word.score < LOW; }

  function scoreColor(word) {
    if (!word.aligned) return '#e4e6eb';
    var score = Math.max(0, Math.min(1, word.score));
    return 'hsl(' + Math.round(score * 120) + ', 62%, ' + (isLow(word) ? 70 : 66) + '%)';
  }

  function formatTime(seconds) {
    var sign = seconds < 0 ? '-' : '';
    var ms = Math.round(Math.abs(seconds) * 1000);
    var h = Math.floor(ms / 3600000);
    var m = Math.floor((ms % 3600000) / 60000);
    var s = ((ms % 60000) / 1000).toFixed(3);
    if (s.length < 6) s = '0' + s;
    return sign + (h > 0 ? h + ':' + (m < 10 ? '0' : '') + m : String(m)) + ':' + s;
  }

  function decodeBase64(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
    return bytes;
  }

  // ---- summary -------------------------------------------------------------------------------------
  var sourceName = result.source.key || result.source.path || 'result';
  document.getElementById('title').textContent = sourceName.split(/[\\/]/).pop();
  document.getElementById('subtitle').textContent =
    (result.mode === 'transcribe' ? 'Transcribed' : 'Aligned') + ' with ' + result.model.name +
    ' (' + result.model.backend + (result.model.quantized ? ', int8' : '') + ')';
  var stats = result.stats;
  var statRows = [
    ['Duration', formatTime(result.audio.durationSec)],
    ['Words', String(stats.wordsTotal)],
    ['Aligned', String(stats.wordsAligned)],
    ['Unaligned', String(stats.wordsUnaligned)],
    ['Low score (< ' + LOW + ')', String(stats.lowScoreWords)],
    ['Mean word score', stats.meanWordScore.toFixed(3)],
    ['Real-time factor', String(stats.realTimeFactor)],
  ];
  if (stats.skippedTokens.length > 0) statRows.push(['Skipped characters', stats.skippedTokens.join(' ')]);
  var statList = document.getElementById('stats');
  statRows.forEach(function (row) {
    var item = document.createElement('div');
    var term = document.createElement('dt');
    var value = document.createElement('dd');
    term.textContent = row[0];
    value.textContent = row[1];
    item.appendChild(term);
    item.appendChild(value);
    statList.appendChild(item);
  });
  var warningList = document.getElementById('warnings');
  result.warnings.forEach(function (warning) {
    var item = document.createElement('li');
    item.textContent = warning;
    warningList.appendChild(item);
  });

  // ---- audio ---------------------------------------------------------------------------------------
  var notice = document.getElementById('notice');
  if (data.audio && data.audio.src) {
    var src = data.audio.src;
    if (src.indexOf('data:') === 0) {
      // A blob, not the data: URL itself: media elements may refuse data: URLs of several megabytes.
      var comma = src.indexOf(',');
      var blob = new Blob([decodeBase64(src.slice(comma + 1))], { type: src.slice(5, src.indexOf(';')) });
      audio.src = URL.createObjectURL(blob);
    } else {
      audio.src = src;
    }
    audio.addEventListener('error', function () {
      notice.textContent = 'The audio could not be loaded from ' + src.slice(0, 200) + '; the timeline still works.';
    });
  } else {
    playButton.disabled = true;
    notice.textContent = data.audio && data.audio.note ? data.audio.note : 'No audio with this page.';
  }

  // ---- waveform envelope ---------------------------------------------------------------------------
  var peaks = data.peaks ? new Int8Array(decodeBase64(data.peaks.minMax).buffer) : null;
  var binsPerSec = data.peaks ? data.peaks.binsPerSec : 1;
  var bins = peaks ? peaks.length / 2 : 0;

  // ---- zoom and layout -----------------------------------------------------------------------------
  var pxPerSec = 100;
  var minPxPerSec = 1;
  var maxPxPerSec = 1000;

  function viewWidth() { return Math.max(1, timeline.clientWidth); }

  function updateZoomLimits() {
    minPxPerSec = viewWidth() / duration;
    // Browsers lay out at most ~33 million px: keep the track below that even at full zoom on long files.
    maxPxPerSec = Math.max(minPxPerSec, Math.min(1000, 3e7 / duration));
  }

  function zoomToSlider(value) {
    var span = Math.log(maxPxPerSec / minPxPerSec);
    return span > 0 ? Math.round((1000 * Math.log(value / minPxPerSec)) / span) : 0;
  }

  function sliderToZoom(position) {
    return minPxPerSec * Math.exp((Math.log(maxPxPerSec / minPxPerSec) * position) / 1000);
  }

  function setZoom(value, anchorTime, anchorX) {
    pxPerSec = Math.max(minPxPerSec, Math.min(maxPxPerSec, value));
    track.style.width = Math.ceil(duration * pxPerSec) + 'px';
    timeline.dataset.pxPerSec = String(pxPerSec);
    zoomInput.value = String(zoomToSlider(pxPerSec));
    timeline.scrollLeft = Math.max(0, anchorTime * pxPerSec - anchorX);
    renderedRange = null;
    scheduleRender();
  }

  function zoomAroundCentre(factor) {
    var centreX = viewWidth() / 2;
    setZoom(pxPerSec * factor, (timeline.scrollLeft + centreX) / pxPerSec, centreX);
  }

  // ---- drawing -------------------------------------------------------------------------------------
  var renderPending = false;
  var renderedRange = null;
  var boxes = new Map();
  var current = -1;

  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    requestAnimationFrame(function () {
      renderPending = false;
      render();
    });
  }

  function render() {
    var width = viewWidth();
    var scroll = timeline.scrollLeft;
    drawCanvas(width, scroll);
    renderWords(scroll / pxPerSec, (scroll + width) / pxPerSec);
    placePlayhead(audio.currentTime || 0);
  }

  function drawCanvas(width, scroll) {
    var ratio = window.devicePixelRatio || 1;
    var height = canvas.clientHeight || 112;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    canvas.style.width = width + 'px';
    var context = canvas.getContext('2d');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    var waveHeight = height - 14;
    var middle = waveHeight / 2;
    context.fillStyle = '#e9ecf2';
    context.fillRect(0, middle, width, 1);
    if (peaks) {
      context.fillStyle = '#6f86b8';
      for (var x = 0; x < width; x++) {
        var from = Math.floor(((scroll + x) / pxPerSec) * binsPerSec);
        var to = Math.max(from + 1, Math.floor(((scroll + x + 1) / pxPerSec) * binsPerSec));
        if (from >= bins) break;
        var low = 0;
        var high = 0;
        for (var b = Math.max(0, from); b < Math.min(to, bins); b++) {
          if (peaks[2 * b] < low) low = peaks[2 * b];
          if (peaks[2 * b + 1] > high) high = peaks[2 * b + 1];
        }
        var top = middle - (high / 127) * middle;
        var bottom = middle - (low / 127) * middle;
        context.fillRect(x, top, 1, Math.max(1, bottom - top));
      }
    }
    // A score strip under the waveform shows every word at any zoom, including those too thin for a box.
    var viewStart = scroll / pxPerSec;
    var viewEnd = (scroll + width) / pxPerSec;
    var first = firstIndex(maxEndUpTo, function (end) { return end > viewStart; });
    var last = firstIndex(minStartFrom, function (start) { return start >= viewEnd; });
    for (var w = first; w < last; w++) {
      var left = starts[w] * pxPerSec - scroll;
      var span = Math.max(1, (ends[w] - starts[w]) * pxPerSec);
      context.fillStyle = isLow(words[w]) ? '#b00020' : scoreColor(words[w]);
      context.fillRect(left, height - 10, span, 8);
    }
  }

  function renderWords(viewStart, viewEnd) {
    var first = firstIndex(maxEndUpTo, function (end) { return end > viewStart; });
    var last = firstIndex(minStartFrom, function (start) { return start >= viewEnd; });
    if (renderedRange && renderedRange[0] === first && renderedRange[1] === last) return;
    renderedRange = [first, last];
    var tooMany = last - first > MAX_DOM_WORDS;
    hint.textContent = count === 0
      ? 'No words in this result.'
      : tooMany
        ? (last - first) + ' words in view: zoom in to see and click them (the strip under the waveform shows their scores).'
        : 'Click a word to play it. Space plays or pauses; the arrow keys step through the words; + and - zoom.';
    boxes.forEach(function (box, index) {
      if (tooMany || index < first || index >= last) {
        box.remove();
        boxes.delete(index);
      }
    });
    if (!tooMany) {
      var fragment = document.createDocumentFragment();
      for (var index = first; index < last; index++) {
        var box = boxes.get(index);
        if (!box) {
          box = makeBox(index);
          boxes.set(index, box);
          fragment.appendChild(box);
        }
        box.style.left = starts[index] * pxPerSec + 'px';
        box.style.width = Math.max(2, (ends[index] - starts[index]) * pxPerSec) + 'px';
      }
      layer.appendChild(fragment);
    }
    markCurrent(current);
  }

  function makeBox(index) {
    var word = words[index];
    var box = document.createElement('button');
    box.type = 'button';
    box.className = 'word row' + (index % 2) + (word.aligned ? '' : ' unaligned') + (isLow(word) ? ' low' : '');
    box.dataset.index = String(index);
    box.textContent = word.word;
    box.style.background = scoreColor(word);
    box.title = word.word + '  ' + formatTime(word.start) + ' - ' + formatTime(word.end) +
      (word.aligned ? '  score ' + word.score.toFixed(3) : '  not aligned (time interpolated)');
    return box;
  }

  // ---- playback ------------------------------------------------------------------------------------
  var stopAt = null;

  function wordAt(time) {
    var index = firstIndex(starts, function (start) { return start > time; }) - 1;
    return index >= 0 && time < ends[index] ? index : -1;
  }

  function markCurrent(index) {
    var previous = boxes.get(current);
    if (previous && current !== index) previous.classList.remove('current');
    current = index;
    var box = boxes.get(index);
    if (box) box.classList.add('current');
    currentLabel.textContent = index >= 0 ? words[index].word : '';
  }

  function placePlayhead(time) {
    playhead.style.left = time * pxPerSec + 'px';
    clock.textContent = formatTime(time) + ' / ' + formatTime(result.audio.durationSec);
  }

  function followPlayhead(time) {
    var x = time * pxPerSec;
    var width = viewWidth();
    if (x < timeline.scrollLeft || x > timeline.scrollLeft + width * 0.9) {
      timeline.scrollLeft = Math.max(0, x - width * 0.1);
    }
  }

  function tick() {
    var time = audio.currentTime;
    if (stopAt !== null && time >= stopAt) {
      audio.pause();
      stopAt = null;
    }
    placePlayhead(time);
    // Paused, the highlight stays where playback or a click left it (a word played alone stays marked).
    if (audio.paused) return;
    followPlayhead(time);
    markCurrent(wordAt(time));
    requestAnimationFrame(tick);
  }

  function seek(time, until) {
    audio.currentTime = Math.max(0, time);
    stopAt = until === undefined ? null : until;
    placePlayhead(time);
    followPlayhead(time);
    if (!playButton.disabled) audio.play().catch(function () { /* playback refused: the seek still shows */ });
  }

  function playWord(index) {
    markCurrent(index);
    seek(starts[index], ends[index]);
  }

  audio.addEventListener('play', function () {
    playButton.textContent = 'Pause';
    requestAnimationFrame(tick);
  });
  audio.addEventListener('pause', function () {
    playButton.textContent = 'Play';
    tick();
  });
  audio.addEventListener('seeked', tick);

  playButton.addEventListener('click', function () {
    if (audio.paused) {
      stopAt = null;
      audio.play().catch(function () { /* playback refused by the browser */ });
    } else {
      audio.pause();
    }
  });

  layer.addEventListener('click', function (event) {
    var box = event.target.closest('.word');
    if (box) playWord(Number(box.dataset.index));
  });
  canvas.addEventListener('click', function (event) {
    var rect = track.getBoundingClientRect();
    seek((event.clientX - rect.left) / pxPerSec);
  });
  timeline.addEventListener('scroll', scheduleRender, { passive: true });
  window.addEventListener('resize', function () {
    var centre = (timeline.scrollLeft + viewWidth() / 2) / pxPerSec;
    updateZoomLimits();
    setZoom(pxPerSec, centre, viewWidth() / 2);
  });
  zoomInput.addEventListener('input', function () {
    var centreX = viewWidth() / 2;
    setZoom(sliderToZoom(Number(zoomInput.value)), (timeline.scrollLeft + centreX) / pxPerSec, centreX);
  });
  document.getElementById('zoom-in').addEventListener('click', function () { zoomAroundCentre(1.5); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoomAroundCentre(1 / 1.5); });
  document.getElementById('zoom-fit').addEventListener('click', function () { setZoom(minPxPerSec, 0, 0); });
  document.addEventListener('keydown', function (event) {
    var tag = event.target && event.target.tagName;
    if (tag === 'INPUT') return;
    if (event.key === ' ' && tag !== 'BUTTON') {
      event.preventDefault();
      playButton.click();
    } else if (event.key === '+' || event.key === '=') {
      zoomAroundCentre(1.5);
    } else if (event.key === '-') {
      zoomAroundCentre(1 / 1.5);
    } else if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && count > 0) {
      event.preventDefault();
      // From the highlighted word, or else from the playhead: the next or previous word, played alone.
      var from = current >= 0 ? current : firstIndex(starts, function (start) { return start > audio.currentTime; });
      var step = event.key === 'ArrowRight' ? (current >= 0 ? 1 : 0) : -1;
      playWord(Math.max(0, Math.min(count - 1, from + step)));
    }
  });

  // ---- flagged words -------------------------------------------------------------------------------
  var MAX_FLAGGED = 300;
  var flagged = [];
  for (var f = 0; f < count; f++) if (!words[f].aligned || isLow(words[f])) flagged.push(f);
  var flaggedList = document.getElementById('flagged-list');
  flagged.slice(0, MAX_FLAGGED).forEach(function (index) {
    var word = words[index];
    var item = document.createElement('li');
    var link = document.createElement('button');
    link.type = 'button';
    link.textContent = word.word + ' @ ' + formatTime(word.start) +
      (word.aligned ? ' (score ' + word.score.toFixed(2) + ')' : ' (not aligned)');
    link.addEventListener('click', function () { playWord(index); });
    item.appendChild(link);
    flaggedList.appendChild(item);
  });
  document.getElementById('flagged-title').textContent =
    flagged.length === 0 ? 'No unaligned or low-score words' : 'Unaligned and low-score words (' + flagged.length + ')';
  if (flagged.length > MAX_FLAGGED) {
    document.getElementById('flagged-more').textContent =
      'and ' + (flagged.length - MAX_FLAGGED) + ' more (the red marks in the score strip).';
  }

  // ---- start ---------------------------------------------------------------------------------------
  updateZoomLimits();
  // Short files open fitted to the window; long ones at 100 px/s, where words are readable.
  setZoom(duration <= 30 ? minPxPerSec : 100, 0, 0);
  render();
  document.body.dataset.ready = 'true';
})();
`;
