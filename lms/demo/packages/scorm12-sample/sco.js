// What both sample SCOs share: find the LMS's SCORM 1.2 API the standard way (ADL's findAPI:
// this window's parents, then its opener's), and the calls every SCO makes.
var scoAPI = null;

function findAPIIn(win) {
  var tries = 0;
  while (win.API == null && win.parent != null && win.parent != win) {
    tries += 1;
    if (tries > 7) {
      return null;
    }
    win = win.parent;
  }
  return win.API || null;
}

function getAPI() {
  var api = findAPIIn(window);
  if (api == null && window.opener != null && typeof window.opener != "undefined") {
    api = findAPIIn(window.opener);
  }
  return api;
}

function say(text) {
  document.getElementById("said").textContent = text;
}

function startSco() {
  scoAPI = getAPI();
  if (scoAPI == null) {
    say("No LMS found: this page must be launched from an LMS.");
    return false;
  }
  scoAPI.LMSInitialize("");
  var where = scoAPI.LMSGetValue("cmi.core.lesson_location");
  var kept = scoAPI.LMSGetValue("cmi.suspend_data");
  if (scoAPI.LMSGetValue("cmi.core.entry") == "resume") {
    say("Welcome back. You were at " + (where || "the start") + (kept ? " (" + kept + ")" : "") + ".");
  }
  if (scoAPI.LMSGetValue("cmi.core.lesson_status") == "not attempted") {
    scoAPI.LMSSetValue("cmi.core.lesson_status", "incomplete");
  }
  return true;
}

function finishSco(exitMode) {
  scoAPI.LMSSetValue("cmi.core.exit", exitMode);
  scoAPI.LMSCommit("");
  scoAPI.LMSFinish("");
}

// Save and exit: keep a bookmark and some state, and leave meaning to come back.
function saveAndExit(location, state) {
  scoAPI.LMSSetValue("cmi.core.lesson_location", location);
  scoAPI.LMSSetValue("cmi.suspend_data", state);
  finishSco("suspend");
  say("Saved: you can come back to it.");
}
