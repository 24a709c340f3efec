"""附表1 sheets as officials fill them, for the import tests."""

import io

from openpyxl import Workbook

HEADER = ["序号", "活动名称", "活动时间", "活动地点", "主办单位", "人数", "报名电话", "活动内容"]


def fubiao1(
    rows, *, header=HEADER, extra_header=(), title="2023年“吉林省全民终身学习示范活动”汇总表"
) -> io.BytesIO:
    """A 附表1 as officials fill it: title, region row, header, rows, blank template rows, footer."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(["吉林省　长春市（县）　朝阳区"])
    sheet.append([*header, *extra_header])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append([len(rows) + 1])  # a template row with only its 序号
    sheet.append([])
    sheet.append(["注：活动不限10项，请根据实际情况填报。"])
    sheet.append(["填表联系人：张三", None, None, None, "联系电话：0431-88888888"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "附表1.xlsx"
    return buffer
