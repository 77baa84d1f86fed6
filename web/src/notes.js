// A track's notes in the page's language. The API writes them as English
// sentences (internal/geoio's readers and internal/patrol's cleaning); each
// wording is matched here and said again in Chinese on a Chinese page.
// Keep this table in step with those sentences: TestBrowser uploads tracks
// whose notes must come out wholly Chinese.

import { lang } from './i18n.js';

// first says where a counted fault was first seen: " (first at line 12: "x")".
const first = String.raw`(?: \(first(?: at line (\d+))?(?:: "(.*)")?\))?`;
const firstZH = (line, sample) => (line || sample ? `（首次出现${line ? `在第 ${line} 行` : ''}${sample ? `：“${sample}”` : ''}）` : '');

// zh pairs each English wording with its Chinese sentence.
const zh = [
  [String.raw`(\d+) rows? without coordinates skipped \(first at line (\d+)\)`, (n, l) => `跳过 ${n} 行没有坐标的记录（首次出现在第 ${l} 行）`],
  [String.raw`(\d+) rows? marked as outliers \(visible=false or manually-marked-outlier\) skipped \(first at line (\d+)\)`,
    (n, l) => `跳过 ${n} 行标记为离群点的记录（visible=false 或 manually-marked-outlier，首次出现在第 ${l} 行）`],
  [String.raw`the file holds (\d+) runs of column "(.*)" \(tracks, individuals or tags\): each is a segment`, (n, c) => `文件按“${c}”列分为 ${n} 组（轨迹、个体或标签），每组作为一个轨迹段`],
  ['Movebank timestamps are UTC by definition and were read as such', () => 'Movebank 的时间按定义为协调世界时（UTC），已按此读取'],
  [String.raw`(\d+) polygons? ignored: areas are not tracks`, (n) => `忽略 ${n} 个多边形：面不是轨迹`],
  [String.raw`(\d+) areas? \(polygons or rings\) ignored: areas are not tracks`, (n) => `忽略 ${n} 个面（多边形或环）：面不是轨迹`],
  [String.raw`a MultiLineString at line (\d+) has (\d+) lines and (\d+) time arrays: its times are ignored`, (l, a, b) => `第 ${l} 行的多线有 ${a} 条线、${b} 组时间，两者不符：忽略其时间`],
  [String.raw`a line at line (\d+) has (\d+) positions and (\d+) times: its times are ignored`, (l, a, b) => `第 ${l} 行的线有 ${a} 个位置、${b} 个时间，两者不符：忽略其时间`],
  [String.raw`a gx:Track at line (\d+) has (\d+) when and (\d+) gx:coord elements: its times are ignored`, (l, a, b) => `第 ${l} 行的 gx:Track 有 ${a} 个 when 和 ${b} 个 gx:coord，两者不符：忽略其时间`],
  [String.raw`(\d+) routes? \(planned paths, (\d+) points?\) ignored: the recorded track is used`, (n, p) => `忽略 ${n} 条路线（计划路径，共 ${p} 个点）：采用记录的轨迹`],
  [String.raw`the file has no track, so its routes \(planned paths: (\d+) routes?, (\d+) points?\) are used as the track`, (n, p) => `文件中没有轨迹，以其路线（计划路径：${n} 条路线，共 ${p} 个点）作为轨迹`],
  ['times in route points ignored: in GPX they are when the point was made, not when it was passed', () => '忽略路线点的时间：GPX 中它们是点的创建时间，而不是经过的时间'],
  [String.raw`(\d+) points? with unreadable coordinates skipped` + first, (n, l, s) => `跳过 ${n} 个坐标无法读取的点${firstZH(l, s)}`],
  [String.raw`(\d+) unreadable times? ignored, the points kept without a time` + first, (n, l, s) => `忽略 ${n} 个无法读取的时间，相应的点保留但没有时间${firstZH(l, s)}`],
  [String.raw`(\d+) unreadable elevations? ignored` + first, (n, l, s) => `忽略 ${n} 个无法读取的高程${firstZH(l, s)}`],
  [String.raw`(\d+) trackpoints? without a position \(pauses, sensor-only samples\) skipped`, (n) => `跳过 ${n} 个没有位置的轨迹点（暂停或仅有传感器数据）`],
  ['the file has waypoints but no track', () => '文件只有航点，没有轨迹'],
  ['the track has no times: durations and speeds are unknown', () => '轨迹没有时间：无法得知时长和速度'],
  [String.raw`(\d+) points? with invalid coordinates \(NaN, out of range or 0,0\) dropped`, (n) => `剔除 ${n} 个坐标无效的点（非数值、超出范围或为 0,0）`],
  [String.raw`(\d+) duplicate points? dropped`, (n) => `剔除 ${n} 个重复点`],
  [String.raw`(\d+) points? whose time goes backwards dropped`, (n) => `剔除 ${n} 个时间倒退的点`],
  [String.raw`(\d+) speed outliers? \(faster than ([\d.e+]+) km/h\) dropped`, (n, v) => `剔除 ${n} 个速度异常点（快于每小时 ${v} 公里）`],
  [String.raw`(\d+) waypoints? with invalid coordinates dropped`, (n) => `剔除 ${n} 个坐标无效的航点`],
  [String.raw`more than half of the points were faster than ([\d.e+]+) km/h: if the subject kind is wrong, upload again with another subject_kind or max_speed_kmh`,
    (v) => `超过一半的点快于每小时 ${v} 公里：如果对象类型有误，请换一个对象类型或最高速度重新上传`],
].map(([re, say]) => [new RegExp(`^${re}$`), say]);

// noteText is one note in the page's language; reserveLabel names a
// reserve code ("the track never enters reserve CODE").
export function noteText(note, reserveLabel = (c) => c) {
  const never = /^the track never enters reserve (.+)$/.exec(note);
  if (never) return lang() === 'zh' ? `轨迹未进入保护区${reserveLabel(never[1])}` : `The track never enters ${reserveLabel(never[1])}`;
  if (lang() !== 'zh') return note;
  for (const [re, say] of zh) {
    const m = re.exec(note);
    if (m) return say(...m.slice(1));
  }
  return note;
}
