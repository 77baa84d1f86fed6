package screening

import (
	"fmt"
	"strings"

	"warden/internal/zoning"
)

func nameZH(r reserveInfo) string {
	if r.nameZH != "" {
		return r.nameZH
	}
	return r.nameEN
}

func nameEN(r reserveInfo) string {
	if r.nameEN != "" {
		return r.nameEN
	}
	return r.nameZH
}

// ruleSentence states a rule with its articles:
// "依据《自然保护区条例》第二十六条，核心区内禁止采石。",
// "Quarrying: prohibited in the core zone (Regulations on Nature Reserves, Art. 26)."
func ruleSentence(kind zoning.Kind, act Activity, r Rule, arts map[string]Article) (zh, en string) {
	if r.SentenceZH != "" {
		return r.SentenceZH, r.SentenceEN
	}
	switch r.Verdict {
	case Prohibited:
		zh = fmt.Sprintf("%s内禁止%s", kind.ZH(), act.NameZH)
	case NeedsApproval:
		zh = fmt.Sprintf("%s内%s须经批准", kind.ZH(), act.NameZH)
	default:
		zh = fmt.Sprintf("%s内允许%s", kind.ZH(), act.NameZH)
	}
	if r.NoteZH != "" {
		zh += "：" + r.NoteZH
	}
	zh = fmt.Sprintf("依据%s，%s。", cite(arts, r.Articles, true), zh)
	en = fmt.Sprintf("%s: %s in the %s", capitalise(act.NameEN), r.Verdict.EN(), kind.EN())
	if r.NoteEN != "" {
		en += "; " + r.NoteEN
	}
	en += fmt.Sprintf(" (%s).", cite(arts, r.Articles, false))
	return zh, en
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func zoneReason(ri reserveInfo, z ZoneResult, act Activity, arts map[string]Article, fp footprint) Reason {
	var zh, en []string
	if fp.poly != nil && z.AreaM2 > 0 {
		zh = append(zh, fmt.Sprintf("项目用地与%s%s重叠%s（占项目用地的%s）", nameZH(ri), z.KindZH, fmtArea(z.AreaM2, true), fmtPct(ratio(z.AreaM2, fp.areaM2))))
		en = append(en, fmt.Sprintf("the footprint overlaps the %s of %s by %s (%s of the footprint)", z.KindEN, nameEN(ri), fmtArea(z.AreaM2, false), fmtPct(ratio(z.AreaM2, fp.areaM2))))
	}
	if fp.line != nil && z.LengthM > 0 {
		zh = append(zh, fmt.Sprintf("线路穿越%s%s%s（占线路全长的%s）", nameZH(ri), z.KindZH, fmtLength(z.LengthM, true), fmtPct(ratio(z.LengthM, fp.lengthM))))
		en = append(en, fmt.Sprintf("the line runs %s through the %s of %s (%s of its length)", fmtLength(z.LengthM, false), z.KindEN, nameEN(ri), fmtPct(ratio(z.LengthM, fp.lengthM))))
	}
	if fp.point != nil && z.Points > 0 {
		zh = append(zh, fmt.Sprintf("%d个项目点位（共%d个）位于%s%s内", z.Points, fp.points, nameZH(ri), z.KindZH))
		en = append(en, fmt.Sprintf("%d of the footprint's %d points lie in the %s of %s", z.Points, fp.points, z.KindEN, nameEN(ri)))
	}
	rzh, ren := ruleSentence(z.Kind, act, z.Rule, arts)
	return Reason{
		Reserve: ri.code, ZoneKind: z.Kind, Verdict: z.Rule.Verdict, Articles: z.Rule.Articles,
		ZH: strings.Join(zh, "，") + "。" + rzh,
		EN: capitalise(strings.Join(en, "; ")) + ". " + ren,
	}
}

func outsideReason(res Result, search float64) Reason {
	var best *ReserveResult
	var zone *ZoneResult
	for i := range res.Reserves {
		r := &res.Reserves[i]
		for j := range r.Zones {
			if z := &r.Zones[j]; zone == nil || z.DistanceM < zone.DistanceM {
				best, zone = r, z
			}
		}
	}
	if zone == nil {
		return Reason{Verdict: Outside,
			ZH: fmt.Sprintf("项目用地周边%s范围内没有自然保护区。", fmtLength(search, true)),
			EN: fmt.Sprintf("No reserve lies within %s of the footprint.", fmtLength(search, false))}
	}
	zh, en := best.NameZH, best.NameEN
	if zh == "" {
		zh = en
	}
	if en == "" {
		en = zh
	}
	return Reason{Verdict: Outside, Reserve: best.Code, ZoneKind: zone.Kind,
		ZH: fmt.Sprintf("项目用地不在任何自然保护区功能区内；距最近的%s%s%s。", zh, zone.KindZH, fmtLength(zone.DistanceM, true)),
		EN: fmt.Sprintf("The footprint lies outside every reserve zone; the nearest is the %s of %s, %s away.", zone.KindEN, en, fmtLength(zone.DistanceM, false))}
}

func fmtArea(m2 float64, zh bool) string {
	switch {
	case m2 >= 1e4 && zh:
		return fmt.Sprintf("%s公顷", thousands(m2/1e4, 2))
	case m2 >= 1e4:
		return fmt.Sprintf("%s ha", thousands(m2/1e4, 2))
	case zh:
		return fmt.Sprintf("%s平方米", thousands(m2, 0))
	}
	return fmt.Sprintf("%s m²", thousands(m2, 0))
}

func fmtLength(m float64, zh bool) string {
	switch {
	case m >= 1000 && zh:
		return fmt.Sprintf("%s千米", thousands(m/1000, 2))
	case m >= 1000:
		return fmt.Sprintf("%s km", thousands(m/1000, 2))
	case zh:
		return fmt.Sprintf("%.0f米", m)
	}
	return fmt.Sprintf("%.0f m", m)
}

// fmtPct writes a share as a percentage with enough digits to be non-zero.
func fmtPct(v float64) string {
	p := v * 100
	switch {
	case p == 0 || p >= 10:
		return fmt.Sprintf("%.1f%%", p)
	case p >= 0.01:
		return fmt.Sprintf("%.2f%%", p)
	}
	return fmt.Sprintf("%.2g%%", p)
}

// thousands formats v with the given decimals and comma thousands separators.
func thousands(v float64, decimals int) string {
	s := fmt.Sprintf("%.*f", decimals, v)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
