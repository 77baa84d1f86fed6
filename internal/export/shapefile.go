package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"warden/internal/geoio"
	"warden/internal/problem"
)

// Limits of a shapefile upload, beyond the request body limit: the zip's
// entries and the files taken from it (uncompressed), and GDAL's GeoJSON.
const (
	MaxZipEntries      = 1000
	MaxShapefileBytes  = 256 << 20
	MaxConvertedBytes  = 512 << 20
	maxCPGBytes        = 64
	shapefileLayerFile = "in"
)

// ShapefileOptions tune ReadZonesShapefile.
type ShapefileOptions struct {
	// CRS is assumed when the shapefile has no .prj (zero: EPSG:4326).
	CRS geoio.CRS
}

// Shapefile is what ReadZonesShapefile read.
type Shapefile struct {
	// Layer is the shapefile's name in the zip (without extension).
	Layer string
	// Features are the records in order (feature i is record i+1), with
	// the zone kind, if the layer has a kind attribute, in properties.kind
	// and the name in properties.name.
	Features []geoio.Feature
	// CRS is the coordinates' system: from the .prj, else the assumed one.
	CRS geoio.CRS
	// FromPRJ says the CRS came from a .prj.
	FromPRJ bool
	// Encoding is the DBF text encoding used ("UTF-8", "CP936", ...).
	Encoding string
}

// kindAttributes are the attribute names a shapefile may carry the zone kind
// in, in order of preference (matched without regard to case): Warden's own,
// and those of Chinese survey deliverables (功能区, 功能分区, 类型, and the
// pinyin initials GNFQ / GNQ).
var kindAttributes = []string{"kind", "功能区", "功能分区", "功能区类型", "分区", "分区类型", "类型", "类别", "GNFQ", "GNQ", "GNQLX", "FQLX", "FQ", "zone_kind", "zone_type", "zonetype"}

// nameAttributes carry a zone's name when there is no "name" attribute.
var nameAttributes = []string{"name", "名称", "MC", "QYMC", "zone_name"}

// ReadZonesShapefile reads a zipped shapefile of zones: one .shp with its
// .shx, .dbf and optionally .prj and .cpg. The CRS comes from the .prj and
// must be one Warden accepts (EPSG:4326, EPSG:4490, EPSG:4491-4554); the
// DBF's text encoding from the .cpg, else the DBF's code-page mark, else the
// text itself (UTF-8 if it is valid UTF-8, otherwise GBK, the usual encoding
// of Chinese deliverables). GDAL's ogr2ogr converts it to GeoJSON, which is
// read as strictly as any GeoJSON upload; the zones are validated by
// zoning.Store.PutZones as usual. Every refusal is a *problem.Error.
func ReadZonesShapefile(ctx context.Context, data []byte, opts ShapefileOptions) (Shapefile, error) {
	out, err := ReadShapefile(ctx, data, opts)
	if err != nil {
		return out, err
	}
	if len(out.Features) == 0 {
		return out, problem.Invalid("invalid-zoning", fmt.Sprintf("the shapefile %s has no records: it needs one record per zone", out.Layer))
	}
	if err := mapAttributes(out.Layer, out.Features); err != nil {
		return out, err
	}
	return out, nil
}

// ReadShapefile reads any zipped shapefile as ReadZonesShapefile does (one
// .shp with its parts, CRS from the .prj, DBF encoding, strict GeoJSON), with
// the attributes as they are: for uploads other than zones, such as change
// detections.
func ReadShapefile(ctx context.Context, data []byte, opts ShapefileOptions) (Shapefile, error) {
	var out Shapefile
	if opts.CRS == 0 {
		opts.CRS = geoio.WGS84
	}
	stem, files, err := unzipShapefile(data)
	if err != nil {
		return out, err
	}
	out.Layer = path.Base(stem)
	if err := checkSHP(out.Layer, files[".shp"]); err != nil {
		return out, err
	}
	if files[".dbf"] == nil {
		return out, problem.Invalid("invalid-shapefile", fmt.Sprintf("the shapefile %s has no .dbf, so no attributes: the zone kind must come from an attribute (%s)", out.Layer, strings.Join(kindAttributes[:7], ", ")))
	}
	prj, hasPRJ := files[".prj"]
	if hasPRJ {
		if err := checkPRJ(out.Layer, prj); err != nil {
			return out, err
		}
	}
	cpg, hasCPG := files[".cpg"]
	if out.Encoding, err = dbfEncoding(out.Layer, cpg, hasCPG, files[".dbf"]); err != nil {
		return out, err
	}
	gj, err := toGeoJSON(ctx, out.Layer, out.Encoding, files)
	if err != nil {
		return out, err
	}
	out.CRS = opts.CRS
	if hasPRJ {
		name := gdalCRS(gj)
		c, err := geoio.ParseCRS(name)
		switch {
		case name == "":
			return out, problem.Invalid("unsupported-crs", fmt.Sprintf("the shapefile %s's .prj (%s) matches no EPSG coordinate system Warden accepts: use EPSG:4326 (WGS 84), EPSG:4490 (CGCS2000) or a CGCS2000 Gauss-Krüger zone EPSG:4491-4554", out.Layer, prjName(prj)))
		case err != nil:
			return out, problem.Invalid("unsupported-crs", fmt.Sprintf("the shapefile %s's .prj is %s (%s), which Warden does not accept: use EPSG:4326 (WGS 84), EPSG:4490 (CGCS2000) or a CGCS2000 Gauss-Krüger zone EPSG:4491-4554", out.Layer, epsgOf(name), prjName(prj)))
		}
		out.CRS, out.FromPRJ = c, true
	}
	feats, err := geoio.DecodeGeoJSON(gj, geoio.GeoJSONOptions{Projected: out.CRS.Projected()})
	if err != nil {
		if p, ok := problem.As(err); ok {
			p.Detail = fmt.Sprintf("the shapefile %s (feature n is record n+1), read as %s: %s", out.Layer, out.CRS, p.Detail)
		}
		return out, err
	}
	out.Features = feats
	return out, nil
}

// unzipShapefile reads the one shapefile of a zip archive: its path without
// extension and its files by extension, refusing archives with too many
// entries, entries that leave the archive, or more than MaxShapefileBytes.
func unzipShapefile(data []byte) (string, map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", nil, problem.BadRequest("invalid-zip", "the body is not a readable zip archive ("+err.Error()+"): send the shapefile's .shp, .shx, .dbf, .prj and .cpg zipped together")
	}
	if len(zr.File) > MaxZipEntries {
		return "", nil, problem.TooLarge(fmt.Sprintf("the zip has %d entries, more than the %d allowed: send one shapefile", len(zr.File), MaxZipEntries))
	}
	for _, f := range zr.File {
		if geoio.UnsafeZipName(f.Name) {
			return "", nil, problem.Invalid("unsafe-archive", fmt.Sprintf("the zip's entry %q leaves the archive (an absolute path or one with ..): zip the shapefile's files without directories above them and send it again", f.Name))
		}
	}
	parts, stem, err := pickShapefile(zr)
	if err != nil {
		return "", nil, err
	}
	files := map[string][]byte{}
	var total int64
	for ext, f := range parts {
		b, err := readEntry(f, MaxShapefileBytes-total)
		if err != nil {
			return "", nil, err
		}
		total += int64(len(b))
		files[ext] = b
	}
	return stem, files, nil
}

// toGeoJSON converts the shapefile's files with ogr2ogr, its attributes
// read in encoding enc (empty: GDAL's choice), into GeoJSON in the source
// CRS, refusing attributes that are not text of that encoding and output
// over MaxConvertedBytes.
func toGeoJSON(ctx context.Context, layer, enc string, files map[string][]byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "warden-shp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	for ext, b := range files {
		if err := os.WriteFile(filepath.Join(dir, shapefileLayerFile+ext), b, 0o600); err != nil {
			return nil, err
		}
	}
	// -dim XY drops heights and measures; SHAPE_RESTORE_SHX rebuilds a
	// missing .shx; RFC7946=NO keeps the coordinates in the source CRS and
	// makes GDAL write the CRS it identified from the .prj as "crs".
	args := []string{"--config", "SHAPE_RESTORE_SHX", "YES", "-f", "GeoJSON", "-dim", "XY",
		"-lco", "RFC7946=NO", "-lco", "WRITE_NAME=NO"}
	if enc != "" {
		args = append(args, "-oo", "ENCODING="+enc)
	}
	warnings, err := ogr2ogr(ctx, dir, append(args, "out.geojson", shapefileLayerFile+".shp")...)
	if msgs, ok := gdalMessages(err); ok {
		return nil, problem.Invalid("invalid-shapefile", fmt.Sprintf("GDAL could not read the shapefile %s: %s", layer, strings.Join(msgs, "; ")))
	} else if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		if strings.Contains(w, "couldn't be converted") || strings.Contains(w, "could not be converted") {
			return nil, problem.Invalid("invalid-shapefile", fmt.Sprintf("the shapefile %s's attributes are not valid %s text (%s): add a .cpg file naming their encoding, e.g. GBK or UTF-8", layer, encodingName(enc), w))
		}
	}
	fi, err := os.Stat(filepath.Join(dir, "out.geojson"))
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxConvertedBytes {
		return nil, problem.TooLarge(fmt.Sprintf("the shapefile %s is too large: as GeoJSON it exceeds %d MiB", layer, MaxConvertedBytes>>20))
	}
	gj, err := os.ReadFile(filepath.Join(dir, "out.geojson"))
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(gj) {
		return nil, problem.Invalid("invalid-shapefile", fmt.Sprintf("the shapefile %s's attributes are not valid %s text: say their encoding in the .cpg file (GBK for most Chinese deliverables, or UTF-8)", layer, encodingName(enc)))
	}
	return gj, nil
}

// pickShapefile finds the one shapefile in the zip and its parts by
// extension (.shp, .shx, .dbf, .prj, .cpg; case does not matter).
func pickShapefile(zr *zip.Reader) (map[string]*zip.File, string, error) {
	byStem := map[string]map[string]*zip.File{} // by lower-case stem
	stems := map[string]string{}                // lower-case stem → stem
	var names []string
	for _, f := range zr.File {
		name := f.Name
		if f.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(path.Base(name), "._") {
			continue
		}
		names = append(names, name)
		ext := strings.ToLower(path.Ext(name))
		switch ext {
		case ".shp", ".shx", ".dbf", ".prj", ".cpg":
		default:
			continue
		}
		stem := strings.TrimSuffix(name, path.Ext(name))
		key := strings.ToLower(stem)
		if byStem[key] == nil {
			byStem[key], stems[key] = map[string]*zip.File{}, stem
		}
		byStem[key][ext] = f
	}
	var shps []string
	for key, parts := range byStem {
		if parts[".shp"] != nil {
			shps = append(shps, stems[key])
		}
	}
	sort.Strings(shps)
	switch len(shps) {
	case 0:
		listed := strings.Join(names, ", ")
		if len(listed) > 200 {
			listed = listed[:200] + "..."
		}
		if listed == "" {
			listed = "nothing"
		}
		return nil, "", problem.Invalid("invalid-shapefile", "the zip holds no .shp file (it holds "+listed+"): zip the shapefile's .shp, .shx, .dbf, .prj and .cpg together")
	case 1:
		return byStem[strings.ToLower(shps[0])], shps[0], nil
	}
	return nil, "", problem.Invalid("invalid-shapefile", fmt.Sprintf("the zip holds %d shapefiles (%s): send one shapefile per upload", len(shps), strings.Join(shps, ", ")))
}

// readEntry reads a zip entry, refusing more than limit bytes whatever its
// header claims.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	tooLarge := problem.TooLarge(fmt.Sprintf("the shapefile's files exceed %d MiB uncompressed", MaxShapefileBytes>>20))
	if f.UncompressedSize64 > uint64(limit) {
		return nil, tooLarge
	}
	rc, err := f.Open()
	if err != nil {
		return nil, problem.BadRequest("invalid-zip", fmt.Sprintf("the zip entry %s cannot be read: %v", f.Name, err))
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, problem.BadRequest("invalid-zip", fmt.Sprintf("the zip entry %s cannot be read: %v", f.Name, err))
	}
	if int64(len(b)) > limit {
		return nil, tooLarge
	}
	// A compression bomb: judged once the entry has expanded past 1 MiB, as
	// the track and footprint decoders judge gzip and KMZ.
	if len(b) > 1<<20 && float64(len(b)) > geoio.DefaultMaxCompressionRatio*float64(max(f.CompressedSize64, 1)) {
		return nil, problem.TooLarge(fmt.Sprintf("the zip entry %s expands more than %d times (%d bytes from %d compressed): refused as a compression bomb",
			f.Name, geoio.DefaultMaxCompressionRatio, len(b), f.CompressedSize64))
	}
	return b, nil
}

// checkSHP refuses a .shp without the shapefile header (file code 9994,
// version 1000), so that GDAL only ever reads it as a shapefile.
func checkSHP(layer string, shp []byte) error {
	if len(shp) < 100 || binary.BigEndian.Uint32(shp[0:4]) != 9994 || binary.LittleEndian.Uint32(shp[28:32]) != 1000 {
		return problem.Invalid("invalid-shapefile", fmt.Sprintf("the shapefile %s's .shp is not a shapefile: it lacks the 100-byte header with file code 9994 and version 1000 (it has %d bytes)", layer, len(shp)))
	}
	return nil
}

var wktStart = regexp.MustCompile(`^\s*(PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS|COMPD_CS|COMPOUNDCRS|BOUNDCRS)\s*\[\s*"([^"]*)"`)

// checkPRJ refuses a .prj that is not a WKT coordinate system.
func checkPRJ(layer string, prj []byte) error {
	if !wktStart.Match(prj) {
		return problem.Invalid("invalid-shapefile", fmt.Sprintf("the shapefile %s's .prj is not a WKT coordinate system definition (it starts with %q): export the shapefile again with its coordinate system", layer, preview(prj)))
	}
	return nil
}

// prjName is the name the .prj gives its coordinate system.
func prjName(prj []byte) string {
	if m := wktStart.FindSubmatch(prj); m != nil {
		return string(m[2])
	}
	return "unnamed"
}

func preview(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	if r := []rune(s); len(r) > 24 {
		s = string(r[:24]) + "..."
	}
	return s
}

// epsgOf turns GDAL's CRS name (urn:ogc:def:crs:EPSG::26986) into EPSG:26986.
func epsgOf(name string) string {
	if i := strings.LastIndex(name, ":"); strings.Contains(name, "EPSG") && i >= 0 {
		return "EPSG:" + name[i+1:]
	}
	return name
}

// gdalCRS returns the name in the "crs" member GDAL writes at the top of its
// GeoJSON (empty if there is none), reading no further than needed.
func gdalCRS(gj []byte) string {
	dec := json.NewDecoder(bytes.NewReader(gj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return ""
		}
		switch t {
		case "features":
			return ""
		case "crs":
			var crs struct {
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			}
			if err := dec.Decode(&crs); err != nil {
				return ""
			}
			return crs.Properties.Name
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return ""
		}
	}
	return ""
}

// cpgNames maps the encodings a .cpg may name to GDAL's names.
var cpgNames = map[string]string{
	"UTF-8": "UTF-8", "UTF8": "UTF-8", "65001": "UTF-8", "ASCII": "UTF-8", "US-ASCII": "UTF-8",
	"GBK": "CP936", "CP936": "CP936", "936": "CP936", "ANSI 936": "CP936", "GB2312": "CP936", "EUC-CN": "CP936",
	"GB18030": "GB18030", "54936": "GB18030",
	"BIG5": "CP950", "CP950": "CP950", "950": "CP950",
	"ISO-8859-1": "ISO-8859-1", "ISO8859-1": "ISO-8859-1", "ISO88591": "ISO-8859-1", "88591": "ISO-8859-1", "LATIN1": "ISO-8859-1",
	"1252": "CP1252", "CP1252": "CP1252", "ANSI 1252": "CP1252", "WINDOWS-1252": "CP1252",
}

// codePage matches a Windows code page as .cpg files name it: 1250, ANSI 1250,
// CP1250, WINDOWS-1250.
var codePage = regexp.MustCompile(`^(?:ANSI |CP|WINDOWS-)?(\d{3,5})$`)

// dbfEncoding decides the DBF text encoding to pass to GDAL. "" lets GDAL
// follow the DBF's own code-page mark (LDID).
func dbfEncoding(layer string, cpg []byte, hasCPG bool, dbf []byte) (string, error) {
	if hasCPG {
		name := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(string(cpg), "\uFEFF")))
		if enc, ok := cpgNames[name]; ok {
			return enc, nil
		}
		if m := codePage.FindStringSubmatch(name); m != nil {
			return "CP" + m[1], nil
		}
		if len(cpg) > maxCPGBytes || strings.ContainsAny(name, "<>\n") {
			return "", problem.Invalid("invalid-shapefile", fmt.Sprintf("the shapefile %s's .cpg is not an encoding name (it holds %d bytes starting %q): it should hold one word such as UTF-8 or GBK", layer, len(cpg), preview(cpg)))
		}
		return "", problem.Invalid("invalid-shapefile", fmt.Sprintf("the shapefile %s's .cpg names the encoding %q, which Warden does not know: use UTF-8 or GBK", layer, strings.TrimSpace(string(cpg))))
	}
	if len(dbf) > 29 {
		switch dbf[29] {
		case 0x4D, 0x7A: // code page 936, GBK (PRC)
			return "CP936", nil
		case 0x00, 0x57: // none, or "ANSI" (the writer's system code page)
		default:
			return "", nil
		}
	}
	if utf8.Valid(dbfText(dbf)) {
		return "UTF-8", nil
	}
	return "CP936", nil
}

// dbfText returns the text of a DBF: its field names and records (whose
// fields are all stored as text), without the binary header numbers.
func dbfText(dbf []byte) []byte {
	if len(dbf) < 32 {
		return nil
	}
	var out []byte
	hdr := int(binary.LittleEndian.Uint16(dbf[8:10]))
	for i := 32; i+32 <= len(dbf) && i+32 <= hdr && dbf[i] != 0x0D; i += 32 {
		name := dbf[i : i+11]
		if n := bytes.IndexByte(name, 0); n >= 0 {
			name = name[:n]
		}
		out = append(append(out, name...), ' ')
	}
	if hdr > 0 && hdr < len(dbf) {
		out = append(out, dbf[hdr:]...)
	}
	return out
}

func encodingName(enc string) string {
	switch enc {
	case "CP936":
		return "GBK"
	case "":
		return "code-page"
	}
	return enc
}

// mapAttributes puts the zone kind and name where PutZones reads them
// (properties.kind, properties.name), from the layer's kind and name
// attributes, and normalises common spellings of the kind values.
func mapAttributes(layer string, feats []geoio.Feature) error {
	keys := map[string]bool{}
	for _, f := range feats {
		for k := range f.Properties {
			keys[k] = true
		}
	}
	find := func(cands []string) string {
		for _, c := range cands {
			for k := range keys {
				if strings.EqualFold(k, c) {
					return k
				}
			}
		}
		return ""
	}
	kindKey, nameKey := find(kindAttributes), find(nameAttributes)
	if kindKey == "" && len(feats) > 0 {
		var have []string
		for k := range keys {
			have = append(have, k)
		}
		sort.Strings(have)
		attrs := strings.Join(have, ", ")
		if attrs == "" {
			attrs = "none"
		}
		return problem.Invalid("invalid-zoning", fmt.Sprintf("the shapefile %s has no zone kind attribute: name it kind, 功能区, 功能分区, 类型 or GNFQ, with values such as 核心区, 缓冲区, 实验区 (its attributes: %s)", layer, attrs))
	}
	for i := range feats {
		p := feats[i].Properties
		if p == nil {
			p = map[string]any{}
			feats[i].Properties = p
		}
		if v, ok := p[kindKey]; ok && v != nil {
			s := strings.TrimSpace(fmt.Sprint(v))
			if ascii := strings.ToLower(s); ascii != s && isASCII(s) {
				s = ascii
			}
			s = strings.ReplaceAll(s, "试验区", "实验区")
			p["kind"] = s
		}
		if _, ok := p["name"]; !ok && nameKey != "" {
			if s, ok := p[nameKey].(string); ok {
				p["name"] = s
			}
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
