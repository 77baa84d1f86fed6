package problem

import "sort"

// Names are a problem type's title in Chinese and English, for pages that
// show a refusal in their own language: the type is stable, the detail is
// English prose that names the input.
type Names struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Problem types of the grid and the units' reports; the table below has
// every type.
const (
	// InvalidGridCell refuses a grid cell's fields (name, staff, duties,
	// tasks, assessment) or a grid that cannot be generated.
	InvalidGridCell = "invalid-grid-cell"
	// InvalidReport refuses a unit's daily report: no progress, a bad or
	// future date.
	InvalidReport = "invalid-report"
	// ReportExists refuses a second daily report of a unit for one day.
	ReportExists = "report-exists"
)

// Types are the problem types Warden answers with, by their slug (the last
// segment of the type URI). GET /api/v1/problem-types serves this table.
var Types = map[string]Names{
	// reading the request
	"bad-request":            {"请求有误", "Bad request"},
	"malformed-json":         {"JSON 格式错误", "Malformed JSON"},
	"malformed-xml":          {"XML 格式错误", "Malformed XML"},
	"malformed-csv":          {"CSV 格式错误", "Malformed CSV"},
	"malformed-wkt":          {"WKT 格式错误", "Malformed WKT"},
	"malformed-form":         {"表单无法读取", "Unreadable form"},
	"unreadable-body":        {"请求内容无法读取", "Unreadable body"},
	"empty-body":             {"请求内容为空", "Empty body"},
	"empty-file":             {"文件为空", "Empty file"},
	"json-too-deep":          {"JSON 嵌套过深", "JSON nested too deep"},
	"xml-too-deep":           {"XML 嵌套过深", "XML nested too deep"},
	"invalid-text":           {"文本含无效字符", "Invalid text"},
	"invalid-header":         {"请求头无效", "Invalid header"},
	"invalid-parameter":      {"参数无效", "Invalid parameter"},
	"unknown-field":          {"未知字段", "Unknown field"},
	"too-large":              {"内容超出上限", "Content too large"},
	"unsupported-media-type": {"不支持的文件类型", "Unsupported media type"},
	"unsupported-format":     {"不支持的格式", "Unsupported format"},
	"unsupported-encoding":   {"不支持的字符编码", "Unsupported encoding"},
	"corrupt-gzip":           {"gzip 文件损坏", "Corrupt gzip file"},
	"corrupt-kmz":            {"KMZ 文件损坏", "Corrupt KMZ file"},
	"invalid-zip":            {"ZIP 文件无效", "Invalid zip file"},
	"unsafe-archive":         {"压缩包含有越出其目录的路径", "Archive with paths leading outside it"},
	"headers-too-large":      {"请求头过大", "Request headers too large"},
	"rate-limited":           {"请求过于频繁", "Too many requests"},
	"method-not-allowed":     {"不支持该请求方法", "Method not allowed"},
	// access
	"unauthorized":          {"需要登录或令牌", "Sign-in or token needed"},
	"forbidden":             {"无权执行此操作", "Not allowed"},
	"wrong-password":        {"用户名或密码错误", "Wrong user name or password"},
	"invalid-password":      {"密码不符合要求", "Password not acceptable"},
	"no-password":           {"该用户未设置密码", "The user has no password"},
	"no-user":               {"用户不存在", "No such user"},
	"invalid-user":          {"用户信息无效", "Invalid user"},
	"user-exists":           {"用户名已被使用", "User name taken"},
	"invalid-token-request": {"令牌请求无效", "Invalid token request"},
	"invalid-device-token":  {"定位设备令牌无效", "Invalid device token"},
	// finding things
	"not-found":          {"未找到", "Not found"},
	"unknown-reserve":    {"保护区不存在", "Unknown reserve"},
	"unknown-permit":     {"许可证不存在", "Unknown permit"},
	"unknown-device":     {"定位设备未登记", "Unknown device"},
	"unknown-activity":   {"未知活动类型", "Unknown activity"},
	"unknown-crs":        {"未知坐标系", "Unknown coordinate system"},
	"unsupported-crs":    {"不支持的坐标系", "Unsupported coordinate system"},
	"crs-mismatch":       {"坐标系不一致", "Coordinate systems disagree"},
	"crs-not-applicable": {"此处不适用坐标系参数", "Coordinate system not applicable"},
	// geometry and files
	"invalid-geojson":       {"GeoJSON 无效", "Invalid GeoJSON"},
	"invalid-geometry":      {"几何图形无效", "Invalid geometry"},
	"invalid-point":         {"坐标点无效", "Invalid point"},
	"invalid-footprint":     {"项目范围无效", "Invalid footprint"},
	"empty-footprint":       {"项目范围为空", "Empty footprint"},
	"empty-collection":      {"要素集合为空", "Empty collection"},
	"bad-shape":             {"坐标表形状参数无效", "Invalid shape"},
	"no-coordinate-columns": {"坐标表缺少经纬度或 X/Y 列", "No coordinate columns"},
	"no-track-points":       {"轨迹没有可用的点", "No usable track points"},
	"invalid-shapefile":     {"Shapefile 无效", "Invalid shapefile"},
	"invalid-geopackage":    {"GeoPackage 无效", "Invalid GeoPackage"},
	"gdal-missing":          {"服务器缺少 GDAL", "GDAL not installed"},
	"invalid-tile":          {"瓦片编号无效", "Invalid tile"},
	// reserves, zones, markers
	"invalid-reserve":   {"保护区信息无效", "Invalid reserve"},
	"reserve-exists":    {"保护区代码已被使用", "Reserve code taken"},
	"invalid-zoning":    {"功能分区无效", "Invalid zoning"},
	"overlapping-zones": {"功能区相互重叠", "Zones overlap"},
	"no-zones":          {"保护区尚无功能分区", "The reserve has no zones"},
	"invalid-marker":    {"界桩信息无效", "Invalid marker"},
	"marker-exists":     {"界桩编号已存在", "Marker code taken"},
	"stale-revision":    {"界桩已被他人修改，请刷新", "Changed since you read it: reload"},
	// screening, law, tracks, permits
	"invalid-screening": {"选址筛查请求无效", "Invalid screening"},
	"invalid-rule-set":  {"规则集无效", "Invalid rule set"},
	"no-rule-set":       {"该日期没有适用的规则集", "No rule set in force"},
	"invalid-permit":    {"许可证信息无效", "Invalid permit"},
	"permit-subject":    {"许可证不属于该对象", "The permit is another subject's"},
	// live positions
	"invalid-device": {"定位设备信息无效", "Invalid device"},
	"device-exists":  {"定位设备编号已被使用", "Device id taken"},
	"invalid-fix":    {"定位数据无效", "Invalid position fix"},
	"no-fixes":       {"该日没有足够的定位数据", "Too few fixes that day"},
	// cases
	"invalid-case":                  {"案件信息无效", "Invalid case"},
	"invalid-transition":            {"流转请求无效", "Invalid step"},
	"transition-not-allowed":        {"当前状态不能转到该步骤", "Step not allowed from this status"},
	"stale-version":                 {"案件已被他人修改，请刷新", "Changed since you read it: reload"},
	"not-overdue-or-stalled":        {"尚未逾期或整改未停滞，不能约谈", "Neither overdue nor stalled: no interview yet"},
	"verification-evidence-missing": {"缺少核查证据，不能销号", "Verification evidence missing: cannot close"},
	"criminal-not-referred":         {"涉嫌犯罪案件未移送公安机关", "Criminal case not referred to the police"},
	"not-rectifying":                {"案件不在整改阶段", "The case is not being rectified"},
	"case-finished":                 {"案件已结束", "The case is finished"},
	"invalid-evidence":              {"证据无效", "Invalid evidence"},
	"duplicate-evidence":            {"该证据已在案件中", "Already evidence on the case"},
	"invalid-measure":               {"执法措施无效", "Invalid measure"},
	"invalid-area":                  {"行政区无效", "Invalid administrative area"},
	"area-in-use":                   {"行政区仍是案件的责任单位", "The area is a responsible unit of cases"},
	InvalidGridCell:                 {"网格无效", "Invalid grid cell"},
	InvalidReport:                   {"日报无效", "Invalid daily report"},
	ReportExists:                    {"当日报告已提交", "The day's report is in already"},
	// Green Shield clues
	"invalid-clue-batch": {"问题线索批次无效", "Invalid clue batch"},
	"invalid-clue":       {"问题线索操作无效", "Invalid clue request"},
	"clue-finished":      {"问题线索已核查完毕", "The clue is verified already"},
	// the service
	"not-ready":            {"服务尚未就绪", "Service not ready"},
	"timeout":              {"查询超时", "Query timed out"},
	"database-unavailable": {"数据库暂时无法访问", "Database unavailable"},
	"busy":                 {"服务繁忙，请稍后再试", "Service busy"},
	"web-not-built":        {"网页尚未构建", "Pages not built"},
	"internal":             {"服务器内部错误", "Internal server error"},
}

// TypeSlugs lists the problem types, sorted.
func TypeSlugs() []string {
	out := make([]string, 0, len(Types))
	for k := range Types {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
