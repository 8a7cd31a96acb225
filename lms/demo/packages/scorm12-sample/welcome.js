// The Welcome SCO's buttons (a file, not inline: the LMS's pages forbid inline script).
if (startSco()) {
  document.getElementById("finish").addEventListener("click", function () {
    scoAPI.LMSSetValue("cmi.core.lesson_status", "completed");
    finishSco("");
    say("Finished.");
  });
  document.getElementById("save").addEventListener("click", function () {
    saveAndExit("welcome-page-2", "seen=intro");
  });
}
