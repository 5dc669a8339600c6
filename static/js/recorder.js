/* The interview recorder (SPEC section 0, SEC-UP, CON-4). No build step, no framework.
 *
 * Live: getUserMedia + MediaRecorder (audio/webm;codecs=opus) hands over a piece every 5 s; each piece gets the
 * next index and goes into an upload queue. File: the chosen file is sliced into pieces and queued the same way.
 * The queue sends one piece at a time, in index order, as PUT /api/v1/recordings/<id>/chunks/<index>/ with the
 * piece's SHA-256 (crypto.subtle) in X-Chunk-SHA256. The server answers 201 (stored) or 200 (already stored), so
 * sending a piece twice is harmless.
 *
 * Resuming: a piece that fails for a reason that may pass (network down, 429, 5xx) stays at the head of the queue
 * and is retried with exponential backoff, at once when the browser comes back online, or with "Retry now". Live
 * pieces are also kept in IndexedDB until the server has them, so a reload or a crash loses nothing: on page load
 * the recorder asks GET /recordings/<id>/ which pieces the server holds, sends the ones it still has locally, and
 * numbers new pieces after them (a new MediaRecorder session starts a new WebM segment, which the merge expects).
 *
 * Remote interviews: "Add meeting audio" asks getDisplayMedia({audio: true, video: true}) for a browser tab or window
 * with its sound (the video track is dropped at once). Web Audio merges the two into one stereo stream
 * (ChannelMergerNode): the microphone is channel 0 (interviewer), the meeting channel 1 (candidate), the convention of
 * ai_analysis/speech (CHANNEL_SPEAKERS), so the pipeline tells the speakers apart by channel energy. MediaRecorder
 * records that stream (Opus in WebM keeps both channels). Without meeting audio the microphone is recorded alone, as
 * before (mono: speakers by pauses). A cancelled picker, a share without sound, or a share ended mid-recording (the
 * mic goes on; channel 1 falls silent) each say so in words.
 *
 * Words (issue 14, recruiter pages in the user's language): every sentence, state and button label this script shows
 * comes translated from the template, the meeting-audio ones in data-msg-* attributes on #recorder, the others in the
 * JSON block #recorder-messages ({key: text} or, for a count, {key: [one, other]}). Counts, seconds and part numbers
 * are "%(name)s" placeholders filled in here. The two forms suit both languages of the product (en, sv: n == 1).
 *
 * Stop: the recorder stops, the queue drains, then POST /recordings/<id>/complete/ {chunk_count} starts the analysis
 * and the page moves to the analysis page. A 403 with code "consent_required" stops everything: nothing is stored
 * without the candidate's consent.
 */
(function () {
  "use strict";

  var root = document.getElementById("recorder");
  if (!root) return;

  var TIMESLICE_MS = 5000;
  var MAX_BACKOFF_MS = 30000;
  var FILE_CHUNK = parseInt(root.dataset.fileChunkBytes, 10) || 5 * 1024 * 1024;
  var API = root.dataset.api;
  var CSRF = root.dataset.csrf;
  var INTERVIEW = root.dataset.interview;
  var ANALYSIS_URL = root.dataset.analysisUrl;
  var MIME = "audio/webm;codecs=opus";
  var TEXTS = root.dataset; // data-msg-meeting-added → msgMeetingAdded
  var block = document.getElementById("recorder-messages");
  var WORDS = block ? JSON.parse(block.textContent) : {};

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  /* A translated sentence by key; values fill its %(name)s placeholders. A missing key shows the key itself, which
     tests/ai_analysis/test_js_translations.py keeps from happening. */
  function msg(key, values) {
    var text = TEXTS["msg" + key] || WORDS[key];
    if (typeof text !== "string") return key;
    return fill(text, values);
  }

  /* The singular or plural form for the count n (available as %(n)s). */
  function plural(key, n, values) {
    var forms = WORDS[key];
    if (!Array.isArray(forms)) return key;
    return fill(forms[n === 1 ? 0 : 1], Object.assign({ n: n }, values || {}));
  }

  function el(role) { return document.querySelector('[data-role="' + role + '"]'); }
  function button(action) { return document.querySelector('[data-action="' + action + '"]'); }
  var ui = {
    state: el("state"), dot: el("dot"), timer: el("timer"), level: el("level"), status: el("status"),
    sent: el("sent"), waiting: el("waiting"), connection: el("connection"),
    fileForm: el("file-form"), file: el("file"), progress: el("file-progress"),
    start: button("start"), pause: button("pause"), stop: button("stop"), retry: button("retry"), upload: button("upload"),
    share: button("share-meeting"), unshare: button("remove-meeting"), meeting: el("meeting"),
    meetingLevel: el("meeting-level"), sources: el("sources")
  };

  var recordingId = root.dataset.recording || null;
  var nextIndex = 0;
  var queue = []; // {index, blob, saved}, in index order; saved: the local copy's promise, or null
  var sent = 0;
  var failures = 0;
  var interrupted = false; // a part waited for the connection: say so when it is back, even after "Retry now"
  var pumping = false;
  var retryTimer = null;
  var fatal = null;
  var drainWaiters = [];
  var mode = "idle"; // idle | recording | paused | finishing | uploading-file | done
  var resumed = false; // parts of an earlier session are on the server

  // --- Small helpers ----------------------------------------------------------------------------------------------

  function setStatus(text, tone) {
    ui.status.textContent = text;
    ui.status.className = "rec-status" + (tone ? " rec-status-" + tone : "");
  }

  function setState(text, tone) {
    ui.state.textContent = text;
    ui.state.className = "badge rec-state" + (tone ? " rec-state-" + tone : "");
  }

  function clock(ms) {
    var total = Math.floor(ms / 1000);
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function sha256(blob) {
    return blob.arrayBuffer().then(function (bytes) { return crypto.subtle.digest("SHA-256", bytes); }).then(hex);
  }

  function api(method, path, body, headers) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: Object.assign({ "X-CSRFToken": CSRF, "Accept": "application/json" }, headers || {})
    };
    if (body !== undefined) options.body = body;
    return fetch(API + path, options);
  }

  function json(response) {
    return response.json().catch(function () { return {}; });
  }

  function detail(payload, fallback) {
    if (payload && typeof payload.detail === "string") return payload.detail;
    return fallback;
  }

  function render() {
    ui.sent.textContent = String(sent);
    ui.waiting.textContent = String(queue.length);
    ui.connection.textContent = navigator.onLine ? msg("Online") : msg("Offline");
    ui.retry.hidden = !(retryTimer || (fatal && fatal.retryable));
  }

  // --- Local safety copy (IndexedDB): live pieces survive a reload until the server has them ----------------------

  var store = (function () {
    var dbPromise = null;
    function open() {
      if (!window.indexedDB) return Promise.reject(new Error("no IndexedDB"));
      if (!dbPromise) {
        dbPromise = new Promise(function (resolve, reject) {
          var request = indexedDB.open("interview-recorder", 1);
          request.onupgradeneeded = function () {
            request.result.createObjectStore("chunks", { keyPath: ["recording", "index"] });
          };
          request.onsuccess = function () { resolve(request.result); };
          request.onerror = function () { reject(request.error); };
        });
      }
      return dbPromise;
    }
    function run(modeName, work) {
      return open().then(function (db) {
        return new Promise(function (resolve, reject) {
          var tx = db.transaction("chunks", modeName);
          var result = work(tx.objectStore("chunks"));
          tx.oncomplete = function () { resolve(result && result.result); };
          tx.onerror = function () { reject(tx.error); };
        });
      });
    }
    return {
      put: function (recording, index, blob) {
        return run("readwrite", function (s) { return s.put({ recording: recording, index: index, blob: blob }); })
          .catch(function () { return null; });
      },
      remove: function (recording, index) {
        return run("readwrite", function (s) { return s.delete([recording, index]); }).catch(function () { return null; });
      },
      list: function (recording) {
        var range = IDBKeyRange.bound([recording, 0], [recording, Number.MAX_SAFE_INTEGER]);
        return run("readonly", function (s) { return s.getAll(range); }).catch(function () { return []; });
      }
    };
  })();

  // --- The recording on the server --------------------------------------------------------------------------------

  function ensureRecording() {
    if (recordingId) return Promise.resolve(recordingId);
    return api("POST", "recordings/", JSON.stringify({ interview: INTERVIEW }), { "Content-Type": "application/json" })
      .then(function (response) {
        return json(response).then(function (payload) {
          if (!response.ok) throw refusal(response, payload);
          recordingId = payload.id;
          nextIndex = Math.max(nextIndex, nextAfter(payload.received_chunks || []));
          return recordingId;
        });
      });
  }

  function nextAfter(indexes) {
    return indexes.length ? Math.max.apply(null, indexes) + 1 : 0;
  }

  function refusal(response, payload) {
    if (response.status === 403 && payload.code === "consent_required") {
      return { message: msg("ConsentRequired"), retryable: false };
    }
    if (response.status === 401 || response.status === 403) {
      return { message: msg("SignedOut"), retryable: true };
    }
    return { message: detail(payload, msg("Refused", { status: response.status })), retryable: false };
  }

  /* On load: what does the server already hold? Send what only this device has, and number new parts after it. */
  function resume() {
    if (!recordingId) return Promise.resolve();
    return api("GET", "recordings/" + recordingId + "/").then(function (response) {
      return json(response).then(function (payload) {
        if (!response.ok) return;
        var held = payload.received_chunks || [];
        nextIndex = Math.max(nextIndex, nextAfter(held));
        return store.list(recordingId).then(function (local) {
          var missing = (local || []).filter(function (item) { return held.indexOf(item.index) === -1; });
          (local || []).forEach(function (item) {
            if (held.indexOf(item.index) !== -1) store.remove(recordingId, item.index);
          });
          missing.sort(function (a, b) { return a.index - b.index; });
          missing.forEach(function (item) {
            queue.push({ index: item.index, blob: item.blob, saved: Promise.resolve() });
            nextIndex = Math.max(nextIndex, item.index + 1);
          });
          sent = held.length;
          if (held.length || missing.length) {
            var text = [plural("ResumeHeld", held.length)];
            if (missing.length) text.push(plural("ResumeMissing", missing.length));
            text.push(msg("ResumeNext"));
            setStatus(text.join(" "), "info");
            resumed = true;
            ui.start.textContent = msg("ContinueRecording");
            ui.stop.hidden = false;
          }
          render();
          pump();
        });
      });
    }).catch(function () {
      setStatus(msg("ResumeUnreachable"), "warn");
    });
  }

  // --- The upload queue -------------------------------------------------------------------------------------------

  function enqueue(blob, keepLocally) {
    var item = { index: nextIndex, blob: blob, saved: keepLocally ? store.put(recordingId, nextIndex, blob) : null };
    nextIndex += 1;
    queue.push(item);
    render();
    pump();
  }

  function upload(item) {
    return sha256(item.blob).then(function (digest) {
      return api("PUT", "recordings/" + recordingId + "/chunks/" + item.index + "/", item.blob, {
        "Content-Type": "application/octet-stream",
        "X-Chunk-SHA256": digest
      });
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) return { ok: true };
      return json(response).then(function (payload) {
        if (response.status === 429 || response.status >= 500 || response.status === 408) {
          var wait = parseInt(response.headers.get("Retry-After"), 10);
          return { retry: true, waitMs: isNaN(wait) ? 0 : wait * 1000 };
        }
        if (response.status === 400 && /checksum/i.test(detail(payload, ""))) {
          return { retry: failures < 3 }; // damaged on the way: send it again a few times
        }
        if (response.status === 409) {
          return { fatal: { message: msg("PartConflict", { index: item.index }), retryable: false } };
        }
        return { fatal: refusal(response, payload) };
      });
    }, function () {
      return { retry: true, waitMs: 0 }; // network error: offline, DNS, connection reset
    });
  }

  function scheduleRetry(waitMs) {
    failures += 1;
    interrupted = true;
    var backoff = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, failures - 1));
    var delay = Math.max(waitMs || 0, backoff) + Math.floor(Math.random() * 250);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { retryTimer = null; pump(); }, delay);
    var seconds = { seconds: Math.ceil(delay / 1000) };
    setStatus(mode === "recording" ? plural("RetryLaterRecording", queue.length, seconds)
      : plural("RetryLater", queue.length, seconds), "warn");
    render();
  }

  function pump() {
    if (pumping || retryTimer || fatal || !queue.length || !recordingId) {
      settle();
      return;
    }
    pumping = true;
    var item = queue[0];
    upload(item).then(function (result) {
      pumping = false;
      if (result.ok) {
        queue.shift();
        sent += 1;
        if (failures || interrupted) {
          failures = 0;
          interrupted = false;
          setStatus(mode === "recording" ? msg("BackRecording") : msg("Back"), "ok");
        }
        if (item.saved) item.saved.then(function () { store.remove(recordingId, item.index); });
        showFileProgress();
        if (resumed && mode === "idle" && !queue.length) {
          setStatus(plural("AllHeld", sent), "ok");
        }
        render();
        pump();
      } else if (result.retry) {
        scheduleRetry(result.waitMs);
      } else {
        fail(result.fatal);
      }
    });
  }

  function settle() {
    render();
    if (!queue.length && !pumping) {
      var waiters = drainWaiters;
      drainWaiters = [];
      waiters.forEach(function (w) { w.resolve(); });
    } else if (fatal) {
      var failed = drainWaiters;
      drainWaiters = [];
      failed.forEach(function (w) { w.reject(fatal); });
    }
  }

  function drained() {
    return new Promise(function (resolve, reject) {
      drainWaiters.push({ resolve: resolve, reject: reject });
      pump();
    });
  }

  function fail(problem) {
    fatal = problem;
    setState(msg("StateStopped"), "danger");
    setStatus(problem.message, "error");
    if (!problem.retryable) stopCapture();
    settle();
  }

  function retryNow() {
    clearTimeout(retryTimer);
    retryTimer = null;
    failures = 0;
    if (fatal && fatal.retryable) fatal = null;
    ensureRecording().then(pump, function (problem) { fail(problem && problem.message ? problem : networkProblem()); });
  }

  function networkProblem() {
    return { message: msg("Unreachable"), retryable: true };
  }

  // --- Finishing: the server closes the recording and starts the analysis -----------------------------------------

  function complete() {
    if (nextIndex === 0) {
      setStatus(msg("NothingRecorded"), "warn");
      return Promise.resolve();
    }
    setStatus(msg("Starting"), "info");
    return api("POST", "recordings/" + recordingId + "/complete/", JSON.stringify({ chunk_count: nextIndex }), {
      "Content-Type": "application/json"
    }).then(function (response) {
      return json(response).then(function (payload) {
        if (response.status === 202 && payload.id) {
          mode = "done";
          setState(msg("StateSent"), "ok");
          setStatus(msg("Complete"), "ok");
          window.location.assign(ANALYSIS_URL.replace("ana_0000000000000000000000", payload.id));
          return;
        }
        if (payload.missing && payload.missing.length) {
          throw { message: plural("Missing", payload.missing.length, { parts: payload.missing.join(", ") }), retryable: false };
        }
        throw refusal(response, payload);
      });
    }, function () { throw networkProblem(); });
  }

  function finish() {
    mode = "finishing";
    ui.pause.hidden = true;
    ui.stop.disabled = true;
    ui.start.hidden = true;
    setState(msg("StateSending"), "info");
    if (queue.length) setStatus(plural("SendingLast", queue.length), "info");
    return ensureRecording()
      .then(drained)
      .then(complete)
      .catch(function (problem) {
        ui.stop.disabled = false;
        ui.stop.hidden = false;
        fail(problem && problem.message ? problem : networkProblem());
      });
  }

  // --- Live capture -----------------------------------------------------------------------------------------------

  var stream = null, mediaRecorder = null, audioContext = null, frame = null, wakeLock = null;
  var microphone = null; // the getUserMedia stream (stream is what MediaRecorder records: this, or the merged one)
  var meeting = null; // the shared tab's or window's audio stream, while it is shared
  var meetingAnalyser = null;
  var elapsedMs = 0, runningSince = 0, ticker = null, silentSince = 0;

  // --- Meeting audio (remote interviews): a shared tab or window, channel 1 ----------------------------------------

  function showSources() {
    ui.sources.textContent = meeting
      ? msg("SourcesBoth")
      : msg("SourcesMic");
    ui.meeting.hidden = !meeting;
    var idle = mode === "idle";
    ui.share.hidden = !!meeting || !idle;
    ui.unshare.hidden = !meeting || !idle;
  }

  function stopTracks(media) {
    if (media) media.getTracks().forEach(function (track) { track.stop(); });
  }

  function addMeeting() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
      setStatus(msg("MeetingUnsupported"), "warn");
      return;
    }
    ui.share.disabled = true;
    setStatus(msg("MeetingAsk"), "info");
    // Chromium hints: offer tabs first, with their audio; do not offer this very tab.
    navigator.mediaDevices.getDisplayMedia({
      audio: true, video: true, preferCurrentTab: false, selfBrowserSurface: "exclude", systemAudio: "include"
    }).then(function (shared) {
      ui.share.disabled = false;
      shared.getVideoTracks().forEach(function (track) { track.stop(); }); // only the sound is recorded
      var tracks = shared.getAudioTracks();
      if (!tracks.length) {
        stopTracks(shared);
        setStatus(msg("MeetingNoAudio"), "warn");
        return;
      }
      if (mode !== "idle") { // recording started while the picker was open: this session stays as it began
        stopTracks(shared);
        return;
      }
      meeting = shared;
      tracks[0].addEventListener("ended", meetingEnded);
      showSources();
      setStatus(msg("MeetingAdded"), "ok");
    }, function (problem) {
      ui.share.disabled = false;
      if (problem && problem.name === "NotAllowedError") {
        setStatus(msg("MeetingCancelled"), "warn");
      } else {
        setStatus(msg("MeetingFailed") +
          (problem && problem.name ? " (" + problem.name + ")" : ""), "warn");
      }
    });
  }

  function removeMeeting() {
    stopTracks(meeting);
    meeting = null;
    showSources();
    setStatus(msg("MeetingRemoved"), "info");
  }

  /* The share ended (the browser's "Stop sharing", the tab closed). While recording, the merged stream goes on:
     channel 1 falls silent and the microphone keeps being recorded. */
  function meetingEnded() {
    if (!meeting) return;
    var live = mode === "recording" || mode === "paused";
    stopTracks(meeting);
    meeting = null;
    meetingAnalyser = null;
    if (ui.meetingLevel) ui.meetingLevel.style.transform = "scaleX(0)";
    if (live) {
      ui.meeting.hidden = true;
      ui.sources.textContent = msg("SourcesEnded");
      setStatus(msg("MeetingEndedRecording"), "warn");
    } else {
      showSources();
      setStatus(msg("MeetingEndedIdle"), "warn");
    }
  }

  /* Microphone on channel 0 (interviewer), meeting on channel 1 (candidate), as ai_analysis.speech expects. Each
     merger input takes one channel: a stereo source is mixed down to mono on its way in. */
  function mergedStream(context, micStream, meetingStream) {
    var merger = context.createChannelMerger(2);
    var destination = context.createMediaStreamDestination();
    destination.channelCount = 2;
    destination.channelCountMode = "explicit";
    destination.channelInterpretation = "discrete";
    context.createMediaStreamSource(micStream).connect(merger, 0, 0);
    context.createMediaStreamSource(meetingStream).connect(merger, 0, 1);
    merger.connect(destination);
    return destination.stream;
  }

  function tick() {
    var ms = elapsedMs + (runningSince ? Date.now() - runningSince : 0);
    ui.timer.textContent = clock(ms);
  }

  function loudness(analyser, samples) {
    analyser.getByteTimeDomainData(samples);
    var sum = 0;
    for (var i = 0; i < samples.length; i += 1) {
      var v = (samples[i] - 128) / 128;
      sum += v * v;
    }
    return Math.min(1, Math.sqrt(sum / samples.length) * 4);
  }

  function show(bar, level) {
    bar.style.transform = "scaleX(" + level.toFixed(3) + ")"; // CSSOM, not a style attribute: CSP allows it
    bar.classList.toggle("level-hot", level > 0.85);
  }

  function meter(analyser) {
    var samples = new Uint8Array(analyser.fftSize);
    function draw() {
      var level = loudness(analyser, samples);
      show(ui.level, level);
      if (meetingAnalyser) {
        var heard = loudness(meetingAnalyser, samples);
        show(ui.meetingLevel, heard);
        level = Math.max(level, heard); // the candidate speaking on the meeting channel is not silence
      }
      if (mode === "recording") {
        if (level > 0.02) silentSince = 0;
        else if (!silentSince) silentSince = Date.now();
        else if (Date.now() - silentSince > 10000 && !retryTimer && !fatal) {
          setStatus(msg("Silence"), "warn");
        }
      }
      frame = requestAnimationFrame(draw);
    }
    draw();
  }

  function start() {
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      setStatus(msg("NoRecorder"), "error");
      return;
    }
    if (!window.crypto || !crypto.subtle) {
      setStatus(msg("RecordingNeedsHttps"), "error");
      return;
    }
    ui.start.disabled = true;
    ui.share.disabled = ui.unshare.disabled = true;
    setStatus(msg("WaitingMicrophone"), "info");
    ensureRecording()
      .then(function () {
        return navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
      })
      .then(function (media) {
        microphone = stream = media;
        var AudioContextClass = window.AudioContext || window.webkitAudioContext;
        if (AudioContextClass) audioContext = new AudioContextClass();
        var twoChannels = !!(meeting && audioContext && meeting.getAudioTracks()[0].readyState === "live");
        if (meeting && !twoChannels) meetingEnded();
        if (twoChannels) stream = mergedStream(audioContext, microphone, meeting);
        var options = window.MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(MIME) ? { mimeType: MIME } : {};
        mediaRecorder = new MediaRecorder(stream, options);
        mediaRecorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size > 0) enqueue(event.data, true);
        });
        if (audioContext) {
          var analyser = audioContext.createAnalyser();
          analyser.fftSize = 1024;
          audioContext.createMediaStreamSource(microphone).connect(analyser);
          if (twoChannels) {
            meetingAnalyser = audioContext.createAnalyser();
            meetingAnalyser.fftSize = 1024;
            audioContext.createMediaStreamSource(meeting).connect(meetingAnalyser);
          }
          meter(analyser);
        }
        mediaRecorder.start(TIMESLICE_MS);
        mode = "recording";
        runningSince = Date.now();
        ticker = setInterval(tick, 250);
        if (navigator.wakeLock) navigator.wakeLock.request("screen").then(function (lock) { wakeLock = lock; }, function () {});
        ui.start.hidden = true;
        ui.pause.hidden = false;
        ui.stop.hidden = false;
        ui.upload.disabled = true;
        ui.file.disabled = true;
        showSources();
        setState(msg("StateRecording"), "live");
        ui.dot.classList.add("rec-dot-live");
        setStatus(recordingStatus(), "ok");
      })
      .catch(function (problem) {
        ui.start.disabled = false;
        ui.share.disabled = ui.unshare.disabled = false;
        if (problem && problem.name === "NotAllowedError") {
          setStatus(msg("MicrophoneRefused"), "error");
        } else if (problem && problem.name === "NotFoundError") {
          setStatus(msg("NoMicrophone"), "error");
        } else {
          fail(problem && problem.message ? problem : networkProblem());
        }
      });
  }

  function togglePause() {
    if (!mediaRecorder) return;
    if (mode === "recording") {
      mediaRecorder.pause();
      elapsedMs += Date.now() - runningSince;
      runningSince = 0;
      mode = "paused";
      ui.pause.textContent = msg("Resume");
      setState(msg("StatePaused"), "info");
      ui.dot.classList.remove("rec-dot-live");
      setStatus(msg("Paused"), "info");
    } else if (mode === "paused") {
      mediaRecorder.resume();
      runningSince = Date.now();
      mode = "recording";
      ui.pause.textContent = msg("Pause");
      setState(msg("StateRecording"), "live");
      ui.dot.classList.add("rec-dot-live");
      setStatus(recordingStatus(), "ok");
    }
  }

  function recordingStatus() {
    return meeting ? msg("RecordingBoth") : msg("RecordingMicrophone");
  }

  function stopCapture() {
    if (ticker) clearInterval(ticker);
    if (runningSince) elapsedMs += Date.now() - runningSince;
    runningSince = 0;
    tick();
    if (frame) cancelAnimationFrame(frame);
    ui.level.style.transform = "scaleX(0)";
    if (ui.meetingLevel) ui.meetingLevel.style.transform = "scaleX(0)";
    ui.dot.classList.remove("rec-dot-live");
    stopTracks(stream);
    stopTracks(microphone);
    stopTracks(meeting);
    if (audioContext) audioContext.close();
    if (wakeLock) wakeLock.release().catch(function () {});
    stream = microphone = meeting = meetingAnalyser = audioContext = wakeLock = null;
  }

  function stop() {
    if (mediaRecorder && mediaRecorder.state !== "inactive") {
      ui.stop.disabled = true;
      mediaRecorder.addEventListener("stop", function () {
        stopCapture();
        finish();
      }, { once: true });
      mediaRecorder.stop(); // hands over the last piece first
    } else {
      finish();
    }
  }

  // --- A recording file -------------------------------------------------------------------------------------------

  var fileParts = 0, fileFirstIndex = 0;

  function showFileProgress() {
    if (mode !== "uploading-file" || !fileParts) return;
    var done = fileParts - queue.filter(function (item) { return item.index >= fileFirstIndex; }).length;
    ui.progress.value = Math.round((done / fileParts) * 100);
    ui.progress.textContent = ui.progress.value + "%";
    setStatus(plural("FileProgress", fileParts, { done: done }), "info");
  }

  function uploadFile(event) {
    event.preventDefault();
    var file = ui.file.files && ui.file.files[0];
    if (!file) {
      setStatus(msg("ChooseFile"), "warn");
      ui.file.focus();
      return;
    }
    if (!file.size) {
      setStatus(msg("EmptyFile"), "error");
      return;
    }
    if (!window.crypto || !crypto.subtle) {
      setStatus(msg("UploadNeedsHttps"), "error");
      return;
    }
    mode = "uploading-file";
    if (meeting) { // a file is the whole recording: the shared meeting audio is not needed
      stopTracks(meeting);
      meeting = null;
    }
    showSources();
    ui.upload.disabled = true;
    ui.file.disabled = true;
    ui.start.disabled = true;
    ui.progress.hidden = false;
    setState(msg("StateUploading"), "info");
    ensureRecording().then(function () {
      fileFirstIndex = nextIndex;
      fileParts = Math.ceil(file.size / FILE_CHUNK);
      showFileProgress();
      for (var offset = 0; offset < file.size; offset += FILE_CHUNK) {
        enqueue(file.slice(offset, Math.min(file.size, offset + FILE_CHUNK)), false);
      }
      return drained();
    }).then(complete).catch(function (problem) {
      ui.upload.disabled = false;
      ui.file.disabled = false;
      fail(problem && problem.message ? problem : networkProblem());
    });
  }

  // --- Wiring -----------------------------------------------------------------------------------------------------

  ui.start.addEventListener("click", start);
  ui.share.addEventListener("click", addMeeting);
  ui.unshare.addEventListener("click", removeMeeting);
  ui.pause.addEventListener("click", togglePause);
  ui.stop.addEventListener("click", stop);
  ui.retry.addEventListener("click", retryNow);
  ui.fileForm.addEventListener("submit", uploadFile);
  window.addEventListener("online", function () {
    render();
    if (retryTimer) retryNow();
  });
  window.addEventListener("offline", render);
  window.addEventListener("beforeunload", function (event) {
    if (mode === "recording" || mode === "paused" || (queue.length && mode !== "done")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  render();
  showSources();
  resume();
})();
