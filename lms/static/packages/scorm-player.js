// The SCORM player's glue, loaded after scorm-again (vendor/scorm-again/scorm-again.min.js).
// It reads the page's settings, as JSON, from the data-settings of #scorm-settings (no inline
// script: the pages' Content-Security-Policy forbids it):
//   {version: "1.2" | "2004", commitUrl, csrfToken, initialData, studentId, studentName, exitUrl,
//    words: {saved, back, notSaved}: what it says, in the learner's language}
// and puts the SCORM API where a SCO looks for it (window.API for 1.2, window.API_1484_11 for
// 2004), loaded with the stored data model so that a relaunch resumes. Every commit (and the
// one LMSFinish / Terminate makes) posts the whole cmi object as JSON to commitUrl; the server
// answers {"result": true, "errorCode": 0}, or {"result": false, "errorCode": 101} to refuse.
// When the SCO finishes, the page says "Saved. Back to your course", linking exitUrl.
(function () {
  "use strict";

  const settings = JSON.parse(document.getElementById("scorm-settings").dataset.settings);
  const is2004 = settings.version === "2004";
  const COMMIT_FAILED = { result: "false", errorCode: 101 };
  // A request made with keepalive survives the page closing, but may be at most 64 KB.
  const KEEPALIVE_LIMIT = 60000;

  function openSynchronous(url) {
    const request = new XMLHttpRequest();
    request.open("POST", url, false);
    request.setRequestHeader("Content-Type", "application/json");
    request.setRequestHeader("X-CSRFToken", settings.csrfToken);
    return request;
  }

  // The server's answer as scorm-again expects it: SCORM's calls are synchronous, so the SCO
  // learns at once whether its data was kept.
  function answerOf(request) {
    if (request.status < 200 || request.status > 299) {
      return COMMIT_FAILED;
    }
    try {
      const answer = JSON.parse(request.responseText);
      const kept = answer.result === true || answer.result === "true";
      return { result: kept ? "true" : "false", errorCode: kept ? 0 : answer.errorCode || 101 };
    } catch (error) {
      return COMMIT_FAILED;
    }
  }

  // When the SCO finishes as its page unloads, browsers refuse a synchronous request: the
  // data goes with fetch's keepalive instead (unlike sendBeacon, it carries the CSRF header).
  function sendAsThePageCloses(url, body) {
    if (body.length > KEEPALIVE_LIMIT) {
      return COMMIT_FAILED;
    }
    fetch(url, {
      method: "POST",
      body: body,
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": settings.csrfToken },
    });
    return { result: "true", errorCode: 0 };
  }

  // scorm-again's own synchronous service sends the finishing commit with sendBeacon, which
  // cannot carry the CSRF header; this one sends every commit the same way.
  const httpService = {
    processHttpRequest(url, params, immediate) {
      const body = JSON.stringify(params);
      const request = openSynchronous(url); // same origin: the session cookie goes along
      try {
        request.send(body);
      } catch (error) {
        return immediate ? sendAsThePageCloses(url, body) : COMMIT_FAILED;
      }
      return answerOf(request);
    },
    updateSettings() {},
  };

  const options = {
    lmsCommitUrl: settings.commitUrl,
    dataCommitFormat: "json",
    sendFullCommit: true,
    autocommit: true, // a SCO that never commits still has its data kept every few seconds
    autocommitSeconds: 30,
    selfReportSessionTime: true,
    mastery_override: true, // 1.2: a raw score against the mastery score sets passed/failed
    terminateCommitParam: "terminate", // the finishing commit's URL ends ?terminate=true
    httpService: httpService,
    logLevel: "ERROR",
  };

  const api = is2004 ? new window.Scorm2004API(options) : new window.Scorm12API(options);
  if (settings.initialData && settings.initialData.cmi) {
    api.loadFromJSON(settings.initialData, "");
  }
  if (is2004) {
    window.API_1484_11 = api;
  } else {
    window.API = api;
  }

  function sayFinished() {
    const place = document.querySelector("#scorm-status, [data-scorm-status]");
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    status.className = "scorm-status";
    if (api.isTerminated()) {
      const back = document.createElement("a");
      back.href = settings.exitUrl;
      back.textContent = settings.words.back;
      status.append(settings.words.saved + " ", back);
    } else {
      status.textContent = settings.words.notSaved;
    }
    if (place) {
      place.replaceChildren(status);
    } else {
      document.body.append(status);
    }
  }

  api.on(is2004 ? "Terminate" : "LMSFinish", sayFinished);
})();
