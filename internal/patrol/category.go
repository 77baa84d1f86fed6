package patrol

import (
	"strings"
	"unicode"

	"warden/internal/geoio"
)

// category is what an observation is of: a name, and the activity of the
// screening rule table it stands for (empty for one the table does not
// judge, such as a damaged marker).
type category struct {
	code, zh, activity string
	// words match whole English words (lower case); phrases match anywhere
	// (Chinese has no spaces between words).
	words, phrases []string
}

// categories are tried in order; the first that matches a waypoint's type,
// then symbol, then name, then description wins. Activity codes themselves
// ("logging", "sand_digging") match too.
var categories = []category{
	{"damaged_marker", "界桩损坏", "", []string{"damaged marker", "marker damaged", "broken marker", "marker broken", "missing marker", "marker missing"},
		[]string{"界桩损坏", "界桩缺失", "界桩被毁", "界桩丢失", "界碑损坏", "界碑缺失", "界碑被毁", "界牌损坏"}},
	{"marker", "界桩", "", []string{"marker", "boundary post", "monument"}, []string{"界桩", "界碑", "界牌"}},
	{"logging", "盗伐", "logging", []string{"logging", "felling", "chainsaw", "tree cut", "trees cut", "stump"}, []string{"盗伐", "砍伐", "伐木", "滥伐", "毁林"}},
	{"grazing", "放牧", "grazing", []string{"grazing", "livestock", "herd", "herding", "cattle", "sheep", "goats", "yak", "yaks"}, []string{"放牧", "牧群", "牛羊"}},
	{"construction", "建设", "production_facility", []string{"construction", "building", "buildings", "structure", "excavator"}, []string{"建设", "建筑", "施工", "违建", "房屋", "厂房", "工地"}},
	{"fire", "火", "burning", []string{"fire", "burning", "burn", "smoke", "campfire"}, []string{"火", "烧荒", "烟"}},
	{"mining", "开矿", "mining", []string{"mining", "mine", "mineshaft"}, []string{"开矿", "采矿", "矿"}},
	{"quarrying", "采石", "quarrying", []string{"quarry", "quarrying"}, []string{"采石"}},
	{"sand_digging", "挖沙", "sand_digging", []string{"sand digging", "sand mining", "dredging"}, []string{"挖沙", "采砂", "挖砂"}},
	{"hunting", "狩猎", "hunting", []string{"hunting", "hunter", "poaching", "poacher", "snare", "snares", "trap", "traps"}, []string{"狩猎", "盗猎", "偷猎", "猎", "套子", "兽夹"}},
	{"fishing", "捕捞", "fishing", []string{"fishing", "fish trap", "net", "nets"}, []string{"捕捞", "捕鱼", "电鱼", "毒鱼"}},
	{"herb_gathering", "采药", "herb_gathering", []string{"herb", "herbs", "herb gathering"}, []string{"采药", "挖药", "虫草"}},
	{"land_clearing", "开垦", "land_clearing", []string{"land clearing", "clearing", "reclamation"}, []string{"开垦", "开荒"}},
}

// otherCategory is a waypoint that names none of the categories.
var otherCategory = category{code: "other", zh: "其他"}

// categorise reads what a waypoint records.
func categorise(w geoio.Waypoint) category {
	for _, field := range []string{w.Type, w.Sym, w.Name, w.Desc} {
		text := strings.ToLower(field)
		if strings.TrimSpace(text) == "" {
			continue
		}
		words := " " + strings.Join(strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ") + " "
		for _, c := range categories {
			if c.activity != "" && strings.Contains(words, " "+strings.ReplaceAll(c.activity, "_", " ")+" ") {
				return c
			}
			for _, w := range c.words {
				if strings.Contains(words, " "+w+" ") {
					return c
				}
			}
			for _, p := range c.phrases {
				if strings.Contains(text, p) {
					return c
				}
			}
		}
	}
	return otherCategory
}
