// Package web holds the browser pages' sources (src/), their build (build.mjs)
// and the built files (dist/), which are embedded into the binary. dist/ is
// filled by `make web` (npm ci, then the build); until then it holds only its
// README, and the service answers its pages with a 503 saying so.
package web

import "embed"

// Dist is the built pages and assets.
//
//go:embed dist
var Dist embed.FS
