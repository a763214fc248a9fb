"""Names as people type them: legal forms, parentheticals, traditional characters, full width, any case,
a unique beginning; an ambiguous name lists its candidates with their ids."""

import pytest

from lithiumgraph.cli import cli
from lithiumgraph.errors import AmbiguousName, NodeNotFound
from lithiumgraph.names import name_key, resolve

# surface forms of real firms in graph_data/: as filed, as printed in Hong Kong or Taiwan, in English
# with the legal form, shortened, or typed on a full-width keyboard
FORMS = {
    "catl": [
        "宁德时代新能源科技股份有限公司",
        "宁德时代新能源科技",
        "寧德時代",
        "寧德時代新能源科技股份有限公司",
        "CATL",
        "ＣＡＴＬ",
        "catl",
        "Contemporary Amperex Technology Co., Ltd.",
        "CONTEMPORARY AMPEREX TECHNOLOGY LIMITED",
    ],
    "shenghua": [
        "江西升华新材料",
        "江西升华新材料有限公司",
        "江西升華新材料有限公司",
        "Jiangxi Shenghua New Material Co., Ltd.",
        "升华新材料",
    ],
    "hozon": [
        "哪吒汽车",
        "合众新能源汽车",
        "合眾新能源汽車股份有限公司",
        "Hozon New Energy Automobile Co., Ltd.",
        "NETA AUTO",
    ],
    "ganfeng": [
        "江西赣锋锂业集团",
        "江西贛鋒鋰業",
        "赣锋锂业集团股份有限公司",
        "Ganfeng Lithium Group Co., Ltd.",
        "GANFENG LITHIUM",
    ],
    "gotion": ["国轩高科", "國軒高科股份有限公司", "Gotion High-tech Co., Ltd.", "gotion high-tech"],
    "byd": ["比亞迪股份有限公司", "BYD Company Limited", "byd co., ltd."],
    "saic": ["上海汽车集团", "上海汽车", "上汽集团股份有限公司", "SAIC Motor Corporation Limited"],
    "qingtao": [
        "清陶能源发展",
        "清陶（昆山）能源发展股份有限公司",
        "清陶(昆山)能源发展",
        "QingTao (KunShan) Energy Development Co., Ltd.",
        "QINGTAO ENERGY",
    ],
    "tinci": ["广州天赐高新材料", "廣州天賜高新材料股份有限公司", "Guangzhou Tinci Materials Technology Co., Ltd."],
    "sunwoda": ["欣旺达电子", "欣旺達", "Sunwoda Electronic Co., Ltd."],
    "semcorp": ["云南恩捷新材料", "雲南恩捷新材料股份有限公司", "Yunnan Energy New Material Co., Ltd."],
    "tesla": ["Tesla, Inc.", "TESLA", "Ｔｅｓｌａ"],
    "btr": ["贝特瑞新材料集团", "貝特瑞新材料集團股份有限公司", "BTR New Material Group Co., Ltd."],
    "easpring": ["北京当升材料科技", "當升科技", "Beijing Easpring Material Technology Co., Ltd."],
    "jiangte": ["江西特种电机", "江特電機", "Jiangte Electric Motor Co., Ltd."],
    "far-east-battery": ["江西远东电池", "遠東電池"],
}
CASES = [(form, firm) for firm, forms in FORMS.items() for form in forms]


def test_the_forms_cover_fifteen_firms():
    assert len(FORMS) >= 15 and len(CASES) >= 40


@pytest.mark.parametrize("form,firm", CASES)
def test_a_name_as_people_type_it(G, form, firm):
    assert resolve(G, form) == firm


@pytest.mark.parametrize(
    "text,key",
    [
        ("宁德时代新能源科技股份有限公司", "宁德时代新能源科技"),
        ("寧德時代", "宁德时代"),
        ("上海汽车集团股份有限公司", "上海汽车"),
        ("某某（中国）有限公司", "某某"),
        ("Contemporary Amperex Technology Co., Limited", "contemporaryamperextechnology"),
        ("ＢＹＤ  Co.,Ltd.", "byd"),
        ("集团", "集团"),  # nothing but a legal form stays as it is
        ("Group", "group"),
    ],
)
def test_name_key(text, key):
    assert name_key(text) == key


def test_an_ambiguous_name_lists_its_candidates_with_ids(G):
    with pytest.raises(AmbiguousName) as e:
        resolve(G, "宜春时代新能源")
    assert [n for n, _ in e.value.candidates] == ["yichun-times", "yichun-times-mining", "yichun-times-resources"]
    assert str(e.value) == (
        "the name '宜春时代新能源' is ambiguous: 宜春时代新能源科技有限公司 [yichun-times], "
        "宜春时代新能源矿业有限公司 [yichun-times-mining], 宜春时代新能源资源有限公司 "
        "[yichun-times-resources]; use an id or more of the name"
    )


def test_a_beginning_too_short_is_no_name(G):
    with pytest.raises(NodeNotFound):
        resolve(G, "宁", kinds=("Enterprise",))


def test_the_cli_takes_names_as_typed(runner):
    r = runner.invoke(cli, ["path", "江西升华新材料", "哪吒汽车", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert [line.split(",")[1] for line in r.stdout.splitlines()[1:]] == ["catl", "hozon"]
    r = runner.invoke(cli, ["show", "宜春时代新能源"])
    assert r.exit_code == 1
    assert r.stderr.startswith(
        "Error: the name '宜春时代新能源' is ambiguous: 宜春时代新能源科技有限公司 [yichun-times], "
    )
    assert r.stderr.count("\n") == 1
