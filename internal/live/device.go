package live

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"warden/internal/db"
	"warden/internal/patrol"
	"warden/internal/problem"
)

// DeviceKind is what a device is.
type DeviceKind string

// Device kinds.
const (
	Phone              DeviceKind = "phone"
	VehicleLogger      DeviceKind = "vehicle_logger"
	Collar             DeviceKind = "collar"
	SatelliteMessenger DeviceKind = "satellite_messenger"
)

var deviceKinds = []DeviceKind{Phone, VehicleLogger, Collar, SatelliteMessenger}

// TokenPrefix starts every device ingest token, so that a leaked one is
// easy to recognise (user API tokens start with wdn_).
const TokenPrefix = "wdv_"

// Device is a registered device as the API shows it. Token is set only in
// the answer that made it (or rotated it): it is stored as a hash.
type Device struct {
	ID          string             `json:"id"`
	Kind        DeviceKind         `json:"kind"`
	Name        string             `json:"name"`
	Subject     string             `json:"subject"`
	SubjectKind patrol.SubjectKind `json:"subject_kind"`
	Reserves    []string           `json:"reserves"`
	// ExpectedIntervalS is how often the device should report; a device
	// silent for longer (plus Options.SilentMargin) raises a silent alert.
	ExpectedIntervalS *int      `json:"expected_interval_s"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	LastFix           *LastFix  `json:"last_fix"`
	Token             string    `json:"token,omitempty"`
}

// LastFix is a device's last accepted position.
type LastFix struct {
	At         time.Time `json:"at"`
	Lon        float64   `json:"lon"`
	Lat        float64   `json:"lat"`
	ReceivedAt time.Time `json:"received_at"`
	Battery    *float32  `json:"battery"`
}

// DeviceInput is a new device, or the fields a PATCH changes (nil: kept).
type DeviceInput struct {
	ID                *string  `json:"id"`
	Kind              *string  `json:"kind"`
	Name              *string  `json:"name"`
	Subject           *string  `json:"subject"`
	SubjectKind       *string  `json:"subject_kind"`
	Reserves          []string `json:"reserves"`
	ExpectedIntervalS *int     `json:"expected_interval_s"`
	// RotateToken (PATCH only) makes a new token, returned once; the old
	// one stops working.
	RotateToken bool `json:"rotate_token"`
}

var deviceIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func invalid(field, reason string) error {
	return problem.Invalid("invalid-device", reason, problem.Detail{Pointer: field, Reason: reason})
}

// check validates in onto d (a new device, or the stored one for a PATCH).
func (in DeviceInput) apply(d *Device, creating bool) error {
	if creating {
		if in.ID == nil || !deviceIDPattern.MatchString(*in.ID) {
			return invalid("id", "id must be 1 to 64 letters, digits or . _ : - (the identifier the device app sends)")
		}
		d.ID = *in.ID
	} else if in.ID != nil && *in.ID != d.ID {
		return invalid("id", "a device's id cannot change: register a new device")
	}
	if in.Kind != nil {
		if !slices.Contains(deviceKinds, DeviceKind(*in.Kind)) {
			return invalid("kind", fmt.Sprintf("kind %q must be phone, vehicle_logger, collar or satellite_messenger", *in.Kind))
		}
		d.Kind = DeviceKind(*in.Kind)
	} else if creating {
		return invalid("kind", "kind is needed: phone, vehicle_logger, collar or satellite_messenger")
	}
	for field, v := range map[string]*string{"name": in.Name, "subject": in.Subject} {
		if v != nil && (len(*v) > 200 || !utf8.ValidString(*v) || strings.ContainsRune(*v, 0)) {
			return invalid(field, field+" must be UTF-8 text of at most 200 bytes without NUL")
		}
	}
	if in.Name != nil {
		d.Name = *in.Name
	}
	if in.Subject != nil {
		d.Subject = strings.TrimSpace(*in.Subject)
	}
	if d.Subject == "" {
		return invalid("subject", "subject is needed: the ranger, vehicle, animal or visitor the device tracks")
	}
	if in.SubjectKind != nil {
		k, err := patrol.ParseSubjectKind(*in.SubjectKind)
		if err != nil || *in.SubjectKind == "" {
			return invalid("subject_kind", "subject_kind must be patrol, research_permit, original_resident, visitor, vehicle or unknown")
		}
		d.SubjectKind = k
	} else if creating {
		d.SubjectKind = patrol.Unknown
	}
	if in.Reserves != nil {
		d.Reserves = slices.Compact(slices.Sorted(slices.Values(in.Reserves)))
	}
	if d.Reserves == nil {
		d.Reserves = []string{}
	}
	if in.ExpectedIntervalS != nil {
		if *in.ExpectedIntervalS < 1 || *in.ExpectedIntervalS > 7*24*3600 {
			return invalid("expected_interval_s", "expected_interval_s must be between 1 s and a week")
		}
		d.ExpectedIntervalS = in.ExpectedIntervalS
	}
	return nil
}

// newToken returns a fresh ingest token and its hash.
func newToken() (string, []byte, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	tok := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return tok, hashToken(tok), nil
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

const deviceColumns = `id, kind, name, subject, subject_kind, reserves, expected_interval_s, created_at, updated_at,
	last_fix_at, last_lon, last_lat, last_received_at, battery`

func scanDevice(row pgx.Row) (Device, error) {
	var d Device
	var at, rec *time.Time
	var lon, lat *float64
	var batt *float32
	err := row.Scan(&d.ID, &d.Kind, &d.Name, &d.Subject, &d.SubjectKind, &d.Reserves, &d.ExpectedIntervalS, &d.CreatedAt, &d.UpdatedAt,
		&at, &lon, &lat, &rec, &batt)
	if err == nil && at != nil && lon != nil && lat != nil {
		d.LastFix = &LastFix{At: *at, Lon: *lon, Lat: *lat, Battery: batt}
		if rec != nil {
			d.LastFix.ReceivedAt = *rec
		}
	}
	return d, err
}

// checkReserves refuses reserve codes that do not exist.
func (s *Service) checkReserves(ctx context.Context, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	var missing []string
	err := s.pool.QueryRow(ctx, `SELECT coalesce(array_agg(c), '{}') FROM unnest($1::text[]) c WHERE NOT EXISTS (SELECT 1 FROM reserve r WHERE r.code = c)`, codes).Scan(&missing)
	if err != nil {
		return fmt.Errorf("live: reserves: %w", err)
	}
	if len(missing) > 0 {
		return problem.Invalid("unknown-reserve", fmt.Sprintf("reserve %s does not exist", strings.Join(missing, ", ")),
			problem.Detail{Pointer: "reserves", Reason: "unknown reserve " + strings.Join(missing, ", ")})
	}
	return nil
}

// CreateDevice registers a device and returns it with its token, shown
// this once.
func (s *Service) CreateDevice(ctx context.Context, in DeviceInput) (Device, error) {
	var d Device
	if err := in.apply(&d, true); err != nil {
		return Device{}, err
	}
	if err := s.checkReserves(ctx, d.Reserves); err != nil {
		return Device{}, err
	}
	tok, hash, err := newToken()
	if err != nil {
		return Device{}, err
	}
	d, err = scanDevice(s.pool.QueryRow(ctx, `
		INSERT INTO live_device (id, kind, name, subject, subject_kind, reserves, expected_interval_s, token_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+deviceColumns,
		d.ID, d.Kind, d.Name, d.Subject, d.SubjectKind, d.Reserves, d.ExpectedIntervalS, hash))
	if db.IsUniqueViolation(err) {
		return Device{}, problem.Conflict("device-exists", fmt.Sprintf("device %q is already registered", *in.ID))
	}
	if err != nil {
		return Device{}, fmt.Errorf("live: create device %s: %w", *in.ID, err)
	}
	d.Token = tok
	return d, nil
}

// Device returns one device.
func (s *Service) Device(ctx context.Context, id string) (Device, error) {
	d, err := scanDevice(s.pool.QueryRow(ctx, `SELECT `+deviceColumns+` FROM live_device WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Device{}, problem.NotFound("device", id)
	}
	if err != nil {
		return Device{}, fmt.Errorf("live: device %s: %w", id, err)
	}
	return d, nil
}

// Devices lists devices, of one reserve when reserve is not empty.
func (s *Service) Devices(ctx context.Context, reserve string) ([]Device, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+deviceColumns+` FROM live_device WHERE $1 = '' OR $1 = ANY (reserves) ORDER BY id`, reserve)
	if err != nil {
		return nil, fmt.Errorf("live: devices: %w", err)
	}
	out := []Device{}
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("live: devices: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// UpdateDevice changes a device's fields, and its token when asked.
func (s *Service) UpdateDevice(ctx context.Context, id string, in DeviceInput) (Device, error) {
	d, err := s.Device(ctx, id)
	if err != nil {
		return Device{}, err
	}
	if err := in.apply(&d, false); err != nil {
		return Device{}, err
	}
	if err := s.checkReserves(ctx, d.Reserves); err != nil {
		return Device{}, err
	}
	var tok string
	var hash []byte
	if in.RotateToken {
		if tok, hash, err = newToken(); err != nil {
			return Device{}, err
		}
	}
	d, err = scanDevice(s.pool.QueryRow(ctx, `
		UPDATE live_device SET kind = $2, name = $3, subject = $4, subject_kind = $5, reserves = $6, expected_interval_s = $7,
		       token_hash = coalesce($8, token_hash), updated_at = now()
		WHERE id = $1 RETURNING `+deviceColumns,
		id, d.Kind, d.Name, d.Subject, d.SubjectKind, d.Reserves, d.ExpectedIntervalS, hash))
	if err != nil {
		return Device{}, fmt.Errorf("live: update device %s: %w", id, err)
	}
	s.forget(id)
	d.Token = tok
	return d, db.AfterCommit(ctx, func(context.Context) error { s.forget(id); return nil })
}

// DeleteDevice removes a device; its fixes and events stay for audit until
// retention drops them.
func (s *Service) DeleteDevice(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM live_device WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("live: delete device %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return problem.NotFound("device", id)
	}
	s.forget(id)
	return db.AfterCommit(ctx, func(context.Context) error { s.forget(id); return nil })
}
