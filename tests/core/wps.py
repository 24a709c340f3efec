"""Workbooks written the way WPS Office writes an xlsx (and, for comparison, Excel 365's in-cell
pictures), part by part from small XML templates: no binary made elsewhere is committed.

What WPS does that Excel and openpyxl do not, and what these files therefore carry:
- ``docProps/custom.xml`` with ``KSOProductBuildVer`` and an app.xml naming WPS;
- absolute part names in the relationships (``Target="/xl/worksheets/sheet1.xml"``);
- ``<sheetPr filterMode="false">``, a ``<dimension ref="A1"/>`` whatever the sheet holds;
- dates as serial numbers styled by a custom number format (``yyyy"年"m"月"d"日"``, numFmtId 176);
- formulas with ``t="str"`` cached text, shared formulas (``<f t="shared" si="0"/>``);
- drop-down lists as ``<dataValidations>`` and, for a list on another sheet, as
  ``<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations>``, the list
  values on a hidden helper sheet that comes first;
- pictures placed in cells (嵌入单元格图片): ``<c t="str"><f>_xlfn.DISPIMG("ID_…",1)</f>
  <v>=DISPIMG("ID_…",1)</v></c>`` and ``xl/cellimages.xml``.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from PIL import Image

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
WPS_CELL_IMAGE_REL = "http://www.wps.cn/officeDocument/2020/cellImage"
WPS_CELL_IMAGE_TYPE = "application/vnd.wps-officedocument.cellimage+xml"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EPOCH = datetime.date(1899, 12, 30)


@dataclass(frozen=True)
class Picture:
    """A picture placed in the cell with WPS's 嵌入单元格图片."""

    image_id: str
    content: bytes


@dataclass(frozen=True)
class ExcelPicture:
    """Excel 365's 置于单元格内: an error cell with value metadata pointing at a rich value."""


@dataclass(frozen=True)
class Formula:
    formula: str
    cached: str
    shared: str = ""  # "first:ref" for the cell that carries the shared formula, "rest" for the others


def png(width: int = 64, height: int = 48, colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _ref(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


class _Strings:
    def __init__(self) -> None:
        self.items: list[str] = []

    def index(self, text: str) -> int:
        if text not in self.items:
            self.items.append(text)
        return self.items.index(text)


def _cell(ref: str, value: object, strings: _Strings, *, inline: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Picture):
        call = f'DISPIMG("{value.image_id}",1)'
        return f'<c r="{ref}" t="str"><f>_xlfn.{escape(call)}</f><v>={escape(call)}</v></c>'
    if isinstance(value, ExcelPicture):
        return f'<c r="{ref}" t="e" vm="1"><v>#VALUE!</v></c>'
    if isinstance(value, Formula):
        if value.shared == "rest":
            head = '<f t="shared" si="0"/>'
        elif value.shared:
            head = f'<f t="shared" ref="{value.shared}" si="0">{escape(value.formula)}</f>'
        else:
            head = f"<f>{escape(value.formula)}</f>"
        return f'<c r="{ref}" t="str">{head}<v>{escape(value.cached)}</v></c>'
    if isinstance(value, datetime.datetime):
        serial = (value - datetime.datetime.combine(EPOCH, datetime.time())).total_seconds() / 86400
        return f'<c r="{ref}" s="2"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="1"><v>{(value - EPOCH).days}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value)
    if inline:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
    return f'<c r="{ref}" t="s"><v>{strings.index(text)}</v></c>'


def _sheet(rows: list[list[object]], strings: _Strings, *, inline: bool, extra: str = "") -> str:
    extra, ext, tail = extra.partition("<extLst")  # the extension list comes last
    body = []
    for number, values in enumerate(rows, start=1):
        cells = "".join(
            _cell(_ref(number, i), v, strings, inline=inline) for i, v in enumerate(values, start=1)
        )
        body.append(f'<row r="{number}" spans="1:{max(len(values), 1)}">{cells}</row>')
    return (
        f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{R}" '
        'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData">'
        '<sheetPr filterMode="false"/><dimension ref="A1"/>'
        '<sheetViews><sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5"/>'
        f"<sheetData>{''.join(body)}</sheetData>{extra}"
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        f"{ext}{tail}</worksheet>"
    )


STYLES = (
    f'{DECL}<styleSheet xmlns="{MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '<numFmt numFmtId="177" formatCode="yyyy/m/d\\ h:mm;@"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="宋体"/><charset val="134"/>'
    '<scheme val="minor"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>'
    '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" '
    'borderId="0" xfId="0"/><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/><xf numFmtId="177" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def cell_images_xml(pictures: list[tuple[str, str]]) -> str:
    """xl/cellimages.xml as WPS writes it: (DISPIMG ID, relationship id) per picture."""
    items = "".join(
        "<etc:cellImage><xdr:pic><xdr:nvPicPr>"
        f'<xdr:cNvPr id="{n}" name={quoteattr(image_id)} descr="微信图片_2023"/>'
        '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
        f'<xdr:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
        '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1905000" cy="1428750"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic></etc:cellImage>'
        for n, (image_id, rid) in enumerate(pictures, start=2)
    )
    return (
        f'{DECL}<etc:cellImages xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="{R}" xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData">{items}</etc:cellImages>'
    )


def rels(entries: list[tuple[str, str, str]]) -> str:
    """(Id, Type, Target)"""
    items = "".join(
        f"<Relationship Id={quoteattr(i)} Type={quoteattr(t)} Target={quoteattr(target)}/>"
        for i, t, target in entries
    )
    return f'{DECL}<Relationships xmlns="{PKG}">{items}</Relationships>'


def validations(sqref: str, items: list[str], helper: str = "") -> str:
    """A drop-down list: WPS writes a list of its own values into <dataValidations>, a list on
    another sheet into the x14 extension."""
    if not helper:
        listed = escape('"' + ",".join(items) + '"')
        return (
            '<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" '
            f'sqref="{sqref}"><formula1>{listed}</formula1></dataValidation></dataValidations>'
        )
    return (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:dataValidation type="list" allowBlank="1" showErrorMessage="1">'
        f"<x14:formula1><xm:f>{escape(helper)}!$A$1:$A${len(items)}</xm:f></x14:formula1>"
        f"<xm:sqref>{sqref}</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
    )


def wps_xlsx(
    rows: list[list[object]],
    *,
    sheet_name: str = "Sheet1",
    helper: list[str] | None = None,
    sheet_extra: str = "",
    inline: bool = False,
    cellimages: str | None = None,
    cellimages_rels: str | None = None,
    cell_image_rel_type: str = WPS_CELL_IMAGE_REL,
    extra_parts: dict[str, bytes] | None = None,
) -> bytes:
    """A workbook as WPS saves it. ``helper``: a hidden first sheet named 下拉选项 holding list
    values (the sheet to import is then the second). ``cellimages`` / ``cellimages_rels`` replace
    the generated picture parts (to build hostile ones)."""
    strings = _Strings()
    pictures: dict[str, Picture] = {}
    excel = False
    for values in rows:
        for value in values:
            if isinstance(value, Picture):
                pictures.setdefault(value.image_id, value)
            excel = excel or isinstance(value, ExcelPicture)
    sheets = []  # (name, part, state)
    parts: dict[str, bytes] = {}
    if helper is not None:
        sheets.append(("下拉选项", "sheet2.xml", "hidden"))
        parts["xl/worksheets/sheet2.xml"] = _sheet([[v] for v in helper], strings, inline=inline).encode()
    sheets.insert(len(sheets), (sheet_name, "sheet1.xml", ""))
    parts["xl/worksheets/sheet1.xml"] = _sheet(rows, strings, inline=inline, extra=sheet_extra).encode()

    workbook_rels = [
        (f"rId{n}", f"{R}/worksheet", f"/xl/worksheets/{part}") for n, (_, part, _) in enumerate(sheets, 1)
    ]
    n = len(sheets)
    workbook_rels += [
        (f"rId{n + 1}", f"{R}/theme", "/xl/theme/theme1.xml"),
        (f"rId{n + 2}", f"{R}/styles", "/xl/styles.xml"),
        (f"rId{n + 3}", f"{R}/sharedStrings", "/xl/sharedStrings.xml"),
    ]
    overrides = [
        ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
        (
            "/xl/sharedStrings.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        ),
        ("/xl/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
        ("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml"),
    ] + [
        (
            f"/xl/worksheets/{part}",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
        )
        for _, part, _ in sheets
    ]
    if pictures or cellimages is not None:
        workbook_rels.append((f"rId{n + 4}", cell_image_rel_type, "cellimages.xml"))
        overrides.append(("/xl/cellimages.xml", WPS_CELL_IMAGE_TYPE))
        ids = list(pictures)
        parts["xl/cellimages.xml"] = (
            cellimages
            if cellimages is not None
            else cell_images_xml([(i, f"rId{k}") for k, i in enumerate(ids, 1)])
        ).encode()
        parts["xl/_rels/cellimages.xml.rels"] = (
            cellimages_rels
            if cellimages_rels is not None
            else rels([(f"rId{k}", f"{R}/image", f"media/image{k}.png") for k in range(1, len(ids) + 1)])
        ).encode()
        for k, image_id in enumerate(ids, 1):
            parts[f"xl/media/image{k}.png"] = pictures[image_id].content
    if excel:
        _excel_rich_value_parts(parts, workbook_rels, overrides)

    sheet_entries = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{k}"{f" state={quoteattr(state)}" if state else ""} r:id="rId{k}"/>'
        for k, (name, _, state) in enumerate(sheets, 1)
    )
    parts["xl/workbook.xml"] = (
        f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{R}"><fileVersion appName="xl" lastEdited="3" lowestEdited="5" '
        'rupBuild="9302"/><workbookPr/><bookViews><workbookView windowWidth="28800" windowHeight="12540" '
        f'activeTab="{len(sheets) - 1}"/></bookViews><sheets>{sheet_entries}</sheets><calcPr calcId="144525"/></workbook>'
    ).encode()
    parts["xl/_rels/workbook.xml.rels"] = rels(workbook_rels).encode()
    parts["xl/styles.xml"] = STYLES.encode()
    parts["xl/theme/theme1.xml"] = (
        f'{DECL}<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="WPS"><a:themeElements>'
        '<a:clrScheme name="WPS"/><a:fontScheme name="WPS"/><a:fmtScheme name="WPS"/></a:themeElements></a:theme>'
    ).encode()
    shared = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' for t in strings.items)
    parts["xl/sharedStrings.xml"] = (
        f'{DECL}<sst xmlns="{MAIN}" count="{len(strings.items)}" uniqueCount="{len(strings.items)}">{shared}</sst>'
    ).encode()
    parts["docProps/app.xml"] = (
        f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>WPS 表格</Application></Properties>"
    ).encode()
    parts["docProps/core.xml"] = (
        f'{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>WPS_1690000000</dc:creator></cp:coreProperties>'
    ).encode()
    parts["docProps/custom.xml"] = (
        f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="ICV">'
        "<vt:lpwstr>6A0C3B7D0E1F4E3A9C2D1B0A9F8E7D6C</vt:lpwstr></property>"
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="KSOProductBuildVer">'
        "<vt:lpwstr>2052-12.1.0.15120</vt:lpwstr></property></Properties>"
    ).encode()
    parts.update(extra_parts or {})
    content_types = (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )
    package_rels = rels(
        [
            ("rId1", f"{R}/officeDocument", "xl/workbook.xml"),
            (
                "rId2",
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml",
            ),
            ("rId3", f"{R}/extended-properties", "docProps/app.xml"),
            ("rId4", f"{R}/custom-properties", "docProps/custom.xml"),
        ]
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", package_rels)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _excel_rich_value_parts(
    parts: dict[str, bytes], workbook_rels: list[tuple[str, str, str]], overrides: list[tuple[str, str]]
) -> None:
    """Excel 365's place-in-cell picture: metadata.xml's value metadata → rich value 0 of
    structure _localImage → relationship 0 of richValueRel.xml → media/image_rv1.png."""
    rd = "http://schemas.microsoft.com/office/spreadsheetml/2017/richdata"
    parts["xl/metadata.xml"] = (
        f'{DECL}<metadata xmlns="{MAIN}" xmlns:xlrd="{rd}"><metadataTypes count="1">'
        '<metadataType name="XLRICHVALUE" minSupportedVersion="120000"/></metadataTypes>'
        '<futureMetadata name="XLRICHVALUE" count="1"><bk><extLst><ext uri="{3e2802c4-a4d2-4d8b-9148-e3be6c30e623}">'
        '<xlrd:rvb i="0"/></ext></extLst></bk></futureMetadata>'
        '<valueMetadata count="1"><bk><rc t="1" v="0"/></bk></valueMetadata></metadata>'
    ).encode()
    parts["xl/richData/rdrichvalue.xml"] = (
        f'{DECL}<rvData xmlns="{rd}" count="1"><rv s="0"><v>0</v><v>5</v></rv></rvData>'
    ).encode()
    parts["xl/richData/rdrichvaluestructure.xml"] = (
        f'{DECL}<rvStructures xmlns="{rd}" count="1"><s t="_localImage"><k n="_rvRel:LocalImageIdentifier" t="i"/>'
        '<k n="CalcOrigin" t="i"/></s></rvStructures>'
    ).encode()
    parts["xl/richData/richValueRel.xml"] = (
        f'{DECL}<richValueRels xmlns="http://schemas.microsoft.com/office/spreadsheetml/2022/richvaluerel" '
        f'xmlns:r="{R}"><rel r:id="rId1"/></richValueRels>'
    ).encode()
    parts["xl/richData/_rels/richValueRel.xml.rels"] = rels(
        [("rId1", f"{R}/image", "../media/image_rv1.png")]
    ).encode()
    parts["xl/media/image_rv1.png"] = png(colour="blue")
    k = len(workbook_rels)
    workbook_rels += [
        (
            f"rId{k + 1}",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata",
            "metadata.xml",
        ),
        (
            f"rId{k + 2}",
            "http://schemas.microsoft.com/office/2022/10/relationships/richValueRel",
            "richData/richValueRel.xml",
        ),
        (
            f"rId{k + 3}",
            "http://schemas.microsoft.com/office/2017/06/relationships/rdRichValue",
            "richData/rdrichvalue.xml",
        ),
        (
            f"rId{k + 4}",
            "http://schemas.microsoft.com/office/2017/06/relationships/rdRichValueStructure",
            "richData/rdrichvaluestructure.xml",
        ),
    ]
    overrides.append(
        ("/xl/metadata.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml")
    )


FUBIAO1_HEADER = ["序号", "活动名称", "活动时间", "活动地点", "主办单位", "人数", "报名电话", "活动内容"]
WEEK_CHOICES = ["是", "否"]


def wps_fubiao1(
    rows: list[list[object]], *, extra_header: tuple[str, ...] = (), **options: object
) -> io.BytesIO:
    """The official 附表1 as an official fills it in WPS and saves it as xlsx: the title, the
    region row, the header, one row per activity with 序号 as a shared formula (=ROW()-3), the
    footer; a hidden first sheet 下拉选项 feeding a 活动周 drop-down (x14 list) and a 活动方式
    drop-down of its own values. Pictures are ``Picture`` cells."""
    header = [*FUBIAO1_HEADER, *extra_header]
    body: list[list[object]] = [
        ["2023年“吉林省全民终身学习示范活动”汇总表"],
        ["吉林省　长春市（县）　朝阳区"],
        header,
    ]
    last = 3 + len(rows)
    for number, row in enumerate(rows, start=1):
        serial = Formula("ROW()-3", str(number), shared=f"A4:A{last}" if number == 1 else "rest")
        body.append([serial, *row])
    body += [
        [],
        ["注：活动不限 10 项，请根据实际情况填报。"],
        ["填表联系人：张三", None, None, None, "联系电话：0431-88888888"],
    ]
    extra = validations(f"I4:I{last}", ["线下", "线上", "线上线下"]) + validations(
        f"J4:J{last}", WEEK_CHOICES, helper="下拉选项"
    )
    data = wps_xlsx(body, sheet_name="附表1", helper=WEEK_CHOICES, sheet_extra=extra, **options)  # type: ignore[arg-type]
    buffer = io.BytesIO(data)
    buffer.name = "附表1（WPS）.xlsx"
    return buffer
