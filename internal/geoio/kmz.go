package geoio

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"warden/internal/problem"
)

// openKMZ reads a KMZ (a zip archive) from br, which is limited to maxBytes,
// and returns its KML document as a stream. archive/zip needs random access,
// so the archive itself is held in memory; its KML is decompressed as read.
func openKMZ(br *bufio.Reader, maxBytes int64, ratio float64, accepted string) (*bufio.Reader, error) {
	data, err := io.ReadAll(br)
	if err != nil {
		if _, ok := problem.As(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("reading the file: %w", err)
	}
	r, err := kmzEntry(data, maxBytes, ratio, accepted)
	if err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(r, 64<<10), nil
}

// kmzEntry opens the KML document of a KMZ archive: doc.kml at its root, as
// the KMZ convention names it, or else the first .kml entry. The entry may not
// expand beyond maxBytes, nor beyond ratio times its compressed size (once
// past ratioFloor), whatever its header claims. accepted lists the formats
// for a 415.
func kmzEntry(data []byte, maxBytes int64, ratio float64, accepted string) (io.Reader, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, problem.BadRequest("corrupt-kmz", "the file is not a readable zip archive (KMZ): "+err.Error())
	}
	var kml *zip.File
	for _, f := range zr.File {
		if UnsafeZipName(f.Name) {
			return nil, problem.Invalid("unsafe-archive", fmt.Sprintf("the KMZ's entry %q leaves the archive (an absolute path or one with ..): a KMZ holds doc.kml and its files, with relative names", f.Name))
		}
	}
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		if f.FileInfo().IsDir() || path.Ext(name) != ".kml" {
			continue
		}
		if name == "doc.kml" {
			kml = f
			break
		}
		if kml == nil {
			kml = f
		}
	}
	if kml == nil {
		names := make([]string, 0, 5)
		for i, f := range zr.File {
			if i == 5 {
				names = append(names, "...")
				break
			}
			names = append(names, f.Name)
		}
		return nil, unsupported(fmt.Sprintf("the zip archive has no .kml document, so it is not a KMZ (it holds %s); zipped shapefiles and other archives are not read here",
			strings.Join(names, ", ")), accepted)
	}
	if kml.UncompressedSize64 > uint64(maxBytes) {
		return nil, problem.TooLarge(fmt.Sprintf("%s in the KMZ is %s uncompressed, more than the limit of %s",
			kml.Name, byteSize(int64(kml.UncompressedSize64)), byteSize(maxBytes)))
	}
	rc, err := kml.Open()
	if err != nil {
		return nil, problem.BadRequest("corrupt-kmz", fmt.Sprintf("%s in the KMZ cannot be read: %v", kml.Name, err))
	}
	what := kml.Name + " in the KMZ"
	compressed := &countReader{n: int64(kml.CompressedSize64)}
	return &limitReader{
		r:    &ratioReader{r: corruptErrors{rc, "corrupt-kmz", what}, in: compressed, ratio: ratio, what: what},
		max:  maxBytes,
		what: what + " uncompressed",
	}, nil
}

// UnsafeZipName reports whether a zip entry's name would leave the directory
// it is extracted into: an absolute path (/x, \\x, C:x) or one with a ".."
// element, with either separator. Such archives are hostile and refused whole,
// even where nothing is extracted by name.
func UnsafeZipName(name string) bool {
	n := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(n, "/") || (len(n) >= 2 && n[1] == ':') {
		return true
	}
	for _, el := range strings.Split(n, "/") {
		if el == ".." {
			return true
		}
	}
	return false
}
