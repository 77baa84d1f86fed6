package api

// Per-request limits beyond the body sizes (Config.MaxBodyBytes,
// MaxGeometryBytes) and the decoders' own (internal/geoio: uncompressed size,
// compression ratio, XML depth and elements, points per track, footprint
// vertices). Each exceeded limit is a 413 that names it.
const (
	// maxZoneFeatures and maxZoneVertices bound a zoning upload: zones per
	// version, vertices per zone geometry (real boundaries have 50,000+).
	maxZoneFeatures = 1000
	maxZoneVertices = 1_000_000
	// maxMarkerFeatures bounds one marker upload.
	maxMarkerFeatures = 10_000
	// maxLocatePoints bounds a batch locate; maxAnonymousLocatePoints one
	// sent without credentials, so that anonymous callers cannot hold the
	// database with a few large batches.
	maxLocatePoints          = 1_000_000
	maxAnonymousLocatePoints = 10_000
)
