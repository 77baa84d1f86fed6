package cases

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/problem"
)

// Evidence is an item linked to a case.
type Evidence struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Role        string    `json:"role"`
	FindingID   *int64    `json:"finding_id,omitempty"`
	FindingKind *string   `json:"finding_kind,omitempty"`
	TrackID     *int64    `json:"track_id,omitempty"`
	ScreeningID *int64    `json:"screening_id,omitempty"`
	Marker      *string   `json:"marker,omitempty"`
	FileName    string    `json:"file_name,omitempty"`
	ContentType *string   `json:"content_type,omitempty"`
	Bytes       *int64    `json:"bytes,omitempty"`
	SHA256      *string   `json:"sha256,omitempty"`
	Content     string    `json:"content,omitempty"`
	Note        string    `json:"note,omitempty"`
	AddedBy     string    `json:"added_by"`
	AddedAt     time.Time `json:"added_at"`
	// CaseVersion is the case's version after this item was added: given
	// only in the answer to the upload or link, for the next write.
	CaseVersion int `json:"case_version,omitempty"`
}

func (s *Store) evidence(ctx context.Context, id int64) ([]Evidence, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.id, e.kind, e.role, e.finding_id, f.kind, e.track_id, e.screening_id, m.code, e.file_name,
		cf.content_type, cf.bytes, encode(cf.sha256, 'hex'), e.note, e.added_by, e.added_at
		FROM case_evidence e LEFT JOIN finding f ON f.id = e.finding_id AND f.created_at = e.finding_at LEFT JOIN marker m ON m.id = e.marker_id
		LEFT JOIN case_file cf ON cf.id = e.file_id
		WHERE e.case_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Evidence{}
	for rows.Next() {
		var e Evidence
		if err := rows.Scan(&e.ID, &e.Kind, &e.Role, &e.FindingID, &e.FindingKind, &e.TrackID, &e.ScreeningID, &e.Marker, &e.FileName,
			&e.ContentType, &e.Bytes, &e.SHA256, &e.Note, &e.AddedBy, &e.AddedAt); err != nil {
			return nil, err
		}
		if e.ContentType != nil {
			e.Content = fmt.Sprintf("/api/v1/cases/%d/evidence/%d", id, e.ID)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Upload is a photo or document sent as evidence.
type Upload struct {
	FileName string
	// Declared is the content type the client gave; the bytes decide.
	Declared string
	Data     []byte
	// Role is evidence (default) or verification (the check before closing).
	Role    string
	Note    string
	Version int
}

// officeTypes are document types that are ZIP or OLE containers, accepted
// by their declared type or file extension.
var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".odt":  "application/vnd.oasis.opendocument.text",
	".doc":  "application/msword",
	".xls":  "application/vnd.ms-excel",
}

// sniff names what the bytes are and whether that is a photo or a document;
// anything else is refused.
func sniff(u Upload) (contentType, kind string, err error) {
	ct := http.DetectContentType(u.Data)
	switch {
	case ct == "image/jpeg" || ct == "image/png" || ct == "image/gif" || ct == "image/webp":
		return ct, "photo", nil
	case ct == "application/pdf":
		return ct, "document", nil
	case strings.HasPrefix(ct, "text/plain"):
		return "text/plain; charset=utf-8", "document", nil
	}
	ext := strings.ToLower(path.Ext(u.FileName))
	if t, ok := officeTypes[ext]; ok {
		zip := bytes.HasPrefix(u.Data, []byte("PK\x03\x04"))
		ole := bytes.HasPrefix(u.Data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
		if (zip && ext != ".doc" && ext != ".xls") || (ole && (ext == ".doc" || ext == ".xls")) {
			return t, "document", nil
		}
	}
	return "", "", &problem.Error{Status: http.StatusUnsupportedMediaType, Type: "unsupported-media-type", Title: "Unsupported media type",
		Detail: fmt.Sprintf("the file %q is %s: evidence is a photo (JPEG, PNG, GIF, WebP) or a document (PDF, plain text, DOCX, XLSX, ODT, DOC, XLS)", u.FileName, ct)}
}

// AddFile stores an uploaded photo or document as evidence on a case. The
// file is kept once per content (sha256); the same file twice on one case is
// a conflict.
func (s *Store) AddFile(ctx context.Context, id int64, u Upload, actor string) (_ Evidence, err error) {
	defer db.Wrap(&err, "cases: add file %d", id)
	if int64(len(u.Data)) > s.opts.MaxFileBytes {
		return Evidence{}, problem.TooLarge(fmt.Sprintf("the file is %d bytes; evidence files may be at most %d", len(u.Data), s.opts.MaxFileBytes))
	}
	if len(u.Data) == 0 {
		return Evidence{}, problem.BadRequest("empty-file", "the file part is empty")
	}
	var ps []problem.Detail
	if u.Role == "" {
		u.Role = "evidence"
	}
	if u.Role != "evidence" && u.Role != "verification" {
		bad(&ps, "role", "role %q must be evidence or verification", u.Role)
	}
	checkText(&ps, "note", u.Note)
	checkText(&ps, "file name", u.FileName)
	if err := invalid(ps); err != nil {
		return Evidence{}, err
	}
	ct, kind, err := sniff(u)
	if err != nil {
		return Evidence{}, err
	}
	sum := sha256.Sum256(u.Data)
	var eid int64
	var version int
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		l, err := s.lock(ctx, tx, id, u.Version)
		if err != nil {
			return err
		}
		if !l.status.Open() {
			return &problem.Error{Status: http.StatusConflict, Type: "case-finished", Title: "Conflict",
				Detail: fmt.Sprintf("case %d is %s: no more evidence can be added", id, l.status), Extra: map[string]any{"status": l.status, "allowed": l.status.Allowed()}}
		}
		var fid int64
		if err := tx.QueryRow(ctx, `WITH ins AS (
				INSERT INTO case_file (sha256, content_type, bytes, content) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING RETURNING id)
			SELECT id FROM ins UNION ALL SELECT id FROM case_file WHERE sha256 = $1 LIMIT 1`, sum[:], ct, len(u.Data), u.Data).Scan(&fid); err != nil {
			return err
		}
		var dup int64
		err = tx.QueryRow(ctx, `SELECT id FROM case_evidence WHERE case_id = $1 AND file_id = $2`, id, fid).Scan(&dup)
		if err == nil {
			p := problem.Conflict("duplicate-evidence", fmt.Sprintf("this file is already evidence %d on case %d", dup, id))
			p.Extra = map[string]any{"evidence": dup}
			return p
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO case_evidence (case_id, kind, role, file_id, file_name, note, added_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, id, kind, u.Role, fid, u.FileName, u.Note, actor).Scan(&eid); err != nil {
			return err
		}
		if err := appendEvent(ctx, tx, id, actor, "evidence", nil, nil, u.Note, map[string]any{
			"evidence": eid, "kind": kind, "role": u.Role, "file_name": u.FileName, "content_type": ct, "bytes": len(u.Data),
			"sha256": fmt.Sprintf("%x", sum)}); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT version FROM violation_case WHERE id = $1`, id).Scan(&version)
	})
	if err != nil {
		return Evidence{}, err
	}
	return s.added(ctx, id, eid, version)
}

// added is the evidence item eid just added to case id, with the case's new
// version (the next write on the case names it).
func (s *Store) added(ctx context.Context, id, eid int64, version int) (Evidence, error) {
	es, err := s.evidence(ctx, id)
	if err != nil {
		return Evidence{}, err
	}
	for _, e := range es {
		if e.ID == eid {
			e.CaseVersion = version
			return e, nil
		}
	}
	return Evidence{}, fmt.Errorf("cases: evidence %d vanished", eid)
}

// LinkInput links a stored track, screening or marker to a case.
type LinkInput struct {
	Version int    `json:"version"`
	Kind    string `json:"kind"`
	// ID is the track's or screening's id; Marker is a marker's id.
	ID   int64  `json:"id"`
	Role string `json:"role"`
	Note string `json:"note"`
}

// Link adds a stored track, screening or marker to a case as evidence.
func (s *Store) Link(ctx context.Context, id int64, in LinkInput, actor string) (_ Evidence, err error) {
	defer db.Wrap(&err, "cases: link %d", id)
	var ps []problem.Detail
	col := map[string]string{"track": "track_id", "screening": "screening_id", "marker": "marker_id"}[in.Kind]
	table := map[string]string{"track": "track", "screening": "screening", "marker": "marker"}[in.Kind]
	if col == "" {
		bad(&ps, "kind", "kind %q must be track, screening or marker (photos and documents are uploaded as multipart/form-data)", in.Kind)
	}
	if in.ID <= 0 {
		bad(&ps, "id", "id is required: the track's, screening's or marker's id")
	}
	if in.Role == "" {
		in.Role = "evidence"
	}
	if in.Role != "evidence" && in.Role != "verification" {
		bad(&ps, "role", "role %q must be evidence or verification", in.Role)
	}
	checkText(&ps, "note", in.Note)
	if err := invalid(ps); err != nil {
		return Evidence{}, err
	}
	var eid int64
	var version int
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		l, err := s.lock(ctx, tx, id, in.Version)
		if err != nil {
			return err
		}
		if !l.status.Open() {
			return &problem.Error{Status: http.StatusConflict, Type: "case-finished", Title: "Conflict",
				Detail: fmt.Sprintf("case %d is %s: no more evidence can be added", id, l.status), Extra: map[string]any{"status": l.status, "allowed": l.status.Allowed()}}
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = $1)`, in.ID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return problem.Invalid("invalid-evidence", fmt.Sprintf("%s %d does not exist", in.Kind, in.ID), problem.At(-1, "id", "not found"))
		}
		var dup int64
		err = tx.QueryRow(ctx, `SELECT id FROM case_evidence WHERE case_id = $1 AND kind = $2 AND `+col+` = $3`, id, in.Kind, in.ID).Scan(&dup)
		if err == nil {
			p := problem.Conflict("duplicate-evidence", fmt.Sprintf("%s %d is already evidence %d on case %d", in.Kind, in.ID, dup, id))
			p.Extra = map[string]any{"evidence": dup}
			return p
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO case_evidence (case_id, kind, role, `+col+`, note, added_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			id, in.Kind, in.Role, in.ID, in.Note, actor).Scan(&eid); err != nil {
			return err
		}
		if err := appendEvent(ctx, tx, id, actor, "evidence", nil, nil, in.Note, map[string]any{"evidence": eid, "kind": in.Kind, in.Kind: in.ID, "role": in.Role}); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT version FROM violation_case WHERE id = $1`, id).Scan(&version)
	})
	if err != nil {
		return Evidence{}, fmt.Errorf("%s: %w", in.Kind, err)
	}
	return s.added(ctx, id, eid, version)
}

// File returns an uploaded evidence file's content type, name and bytes.
func (s *Store) File(ctx context.Context, caseID, evidenceID int64) (contentType, name string, data []byte, err error) {
	defer db.Wrap(&err, "cases: file %d", caseID)
	err = s.pool.QueryRow(ctx, `SELECT cf.content_type, e.file_name, cf.content FROM case_evidence e JOIN case_file cf ON cf.id = e.file_id
		WHERE e.case_id = $1 AND e.id = $2`, caseID, evidenceID).Scan(&contentType, &name, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		err = problem.NotFound("evidence file", fmt.Sprintf("%d/%d", caseID, evidenceID))
	}
	return
}
