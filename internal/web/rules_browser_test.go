package web_test

import (
	"testing"
	"time"

	"warden/internal/api"
)

// TestRulesPage runs web/test/rules.test.mjs in real headless Chromium: the
// rule table page (规则表) of the Qiangtang sample on both sides of
// 2026-03-15 and in its approved two-zone zoning from 2026-06-01, in
// Chinese and in English.
func TestRulesPage(t *testing.T) {
	chrome := needChromium(t)
	pool := sampleDB(t, false)
	chrome.run(t, servePages(t, pool, api.Config{}), 5*time.Minute, nil, "test/rules.test.mjs")
}
