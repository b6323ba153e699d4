"""The demo province's five months: what happens to each of its 38 models, day by day.

Written with the builder in ``workflows.demo.script``; ``seed_demo`` replays
it through the real services, so the demo's audit trail, durations and
inboxes are the ones the product would have produced.  Days count from the
start of the history (day 0 is about five months before today), so the
story always ends "now" whatever the date: overdue models are overdue,
stuck models are stuck.

Six titles (models 6, 21, 22, 25, 37, 38) and the IOC are the province's own,
taken from the Nghệ An report; every other title is a typical Đề án 06 theme
and is flagged ``is_sample`` so it is never shown as the province's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..states import BlockerReason
from .province import IOC_NUMBER, HeadSeed
from .script import CENTRAL, INVESTMENT, PROGRAMME, RECURRENT, SOCIALIZED, Day, Script, d


@dataclass(frozen=True)
class HeadChange:
    """A head leaves and a successor takes over on ``day``; both terms are kept."""

    day: int
    successor: HeadSeed


# Sở Nông nghiệp và Môi trường's first director after the merger retires mid-way
# through the history, so accountability credits two people for one agency.
HEAD_CHANGES: tuple[HeadChange, ...] = (
    HeadChange(
        day=70,
        successor=HeadSeed(
            "SNNMT",
            "Lê Thị Kim Oanh",
            "Giám đốc Sở Nông nghiệp và Môi trường",
            "le.thi.kim.oanh@example.vn",
            Day(70),
        ),
    ),
)


def _completed() -> list[Script]:
    """The six models the report counts as done, with their real titles."""
    m6 = (
        Script(
            6,
            "Khám chữa bệnh sử dụng thẻ căn cước công dân và VNeID",
            "SYT",
            "Triển khai khám chữa bệnh bằng thẻ căn cước và ứng dụng VNeID tại các cơ sở khám chữa bệnh "
            "công lập; xác thực người bệnh qua CSDL quốc gia về dân cư, tra cứu thông tin thẻ BHYT.",
            [
                d("Cơ sở KCB áp dụng thẻ căn cước/VNeID", "cơ sở", 45),
                d("Lượt KCB bằng thẻ căn cước/VNeID", "lượt", 250_000),
            ],
            deadline=120,
            coordinating=("CAT", "BHXH"),
            needs_db=True,
            is_sample=False,
        )
        .register(2)
        .approve(6)
        .db_permission(8, "125/CAT-PC06")
        .request_funding(
            9,
            [
                ("Thiết bị đọc thẻ căn cước gắn chip", 850_000_000),
                ("Nâng cấp phần mềm HIS", 400_000_000),
            ],
            money=RECURRENT,
        )
        .approve_funding(
            20, 1_100_000_000, comment="Giảm dòng nâng cấp phần mềm theo ý kiến thẩm định CNTT."
        )
        .start(22)
        .progress(40, 30)
        .progress(62, 65)
        .progress(80, 90)
        .submit(88, "Đã triển khai tại 45 cơ sở khám chữa bệnh công lập.", ratio=1.02)
        .return_completion(91, "Thiếu biên bản nghiệm thu tại các trạm y tế xã; đề nghị bổ sung.")
        .submit(96, "Đã bổ sung biên bản nghiệm thu tại các trạm y tế xã.", ratio=1.04)
        .verify(99, by="police2")
        .sign_off(103)
    )
    m21 = (
        Script(
            21,
            "Nền tảng tích hợp, chia sẻ dữ liệu tỉnh (LGSP)",
            "SKHCN",
            "Nâng cấp nền tảng LGSP của tỉnh; kết nối với NDXP và CSDL quốc gia về dân cư, chia sẻ dữ liệu "
            "giữa các hệ thống thông tin của sở, ngành.",
            [
                d("Hệ thống kết nối qua LGSP", "hệ thống", 24),
                d("Dịch vụ dữ liệu dùng chung", "dịch vụ", 60),
            ],
            deadline=130,
            coordinating=("CAT", "STC"),
            is_sample=False,
        )
        .register(1)
        .approve(4)
        .request_funding(
            5,
            [("Hạ tầng máy chủ", 2_400_000_000), ("Phần mềm nền tảng", 1_600_000_000)],
            money=INVESTMENT,
        )
        .return_funding(12, "Bổ sung thuyết minh dự toán và ý kiến thẩm định nội dung CNTT.")
        .request_funding(
            16,
            [("Hạ tầng máy chủ", 2_400_000_000), ("Phần mềm nền tảng", 1_600_000_000)],
            justification="Đã bổ sung thuyết minh và văn bản thẩm định nội dung CNTT của Sở KH&CN.",
            money=INVESTMENT,
        )
        .approve_funding(28, 3_800_000_000, by="finance2")
        .start(30)
        .progress(50, 40)
        .progress(75, 80)
        .submit(95, "LGSP đã kết nối 24 hệ thống, cung cấp 60 dịch vụ dữ liệu.")
        .verify(98)
        .return_signoff(100, "Đề nghị bổ sung số liệu giao dịch qua LGSP trong tháng.")
        .submit(
            104, "Đã bổ sung số liệu giao dịch: bình quân 1,2 triệu giao dịch/tháng.", ratio=1.05
        )
        .verify(106, by="police2")
        .sign_off(110)
    )
    m22 = (
        Script(
            22,
            "Truyền thông nội bộ cho toàn bộ cán bộ, công chức, viên chức cơ quan nhà nước",
            "SVHTTDL",
            "Tổ chức truyền thông nội bộ về Đề án 06 cho cán bộ, công chức, viên chức; hướng dẫn kích hoạt "
            "và sử dụng tài khoản định danh điện tử mức 2.",
            [
                d("Cơ quan được truyền thông", "cơ quan", 120),
                d("Cán bộ, công chức kích hoạt VNeID mức 2", "người", 35_000),
            ],
            deadline=90,
            coordinating=("SNV", "SKHCN"),
            needs_funding=False,
            is_sample=False,
        )
        .register(3)
        .approve(7)
        .start(9)
        .progress(30, 50)
        .submit(
            45,
            "Hoàn thành truyền thông tại 120 cơ quan; 36.200 cán bộ kích hoạt VNeID mức 2.",
            ratio=1.03,
        )
        .verify(48)
        .sign_off(52)
    )
    m25 = (
        Script(
            25,
            "Triển khai tố giác tội phạm qua ứng dụng VNeID",
            "CAT",
            "Hướng dẫn người dân gửi tin báo, tố giác tội phạm qua VNeID; tiếp nhận, phân loại và xử lý tin "
            "báo tại Công an các xã, phường.",
            [
                d("Công an xã, phường tiếp nhận tin báo qua VNeID", "đơn vị", 130),
                d("Tin báo được xử lý", "tin", 900),
            ],
            deadline=75,
            needs_funding=False,
            needs_db=True,
            is_sample=False,
        )
        .register(2)
        .approve(5, by="police2")
        .db_permission(6, "88/CAT-PC06")
        .start(8)
        .progress(25, 60)
        .submit(40, "130/130 Công an xã, phường tiếp nhận tin báo qua VNeID.", ratio=1.1)
        .verify(42)
        .sign_off(45)
    )
    m37 = (
        Script(
            37,
            "Triển khai cuộc thi sáng kiến phát triển ứng dụng khai thác dữ liệu phục vụ xây dựng Chính phủ số, "
            "xã hội số và nền kinh tế số",
            "CAT",
            "Tổ chức cuộc thi sáng kiến ứng dụng khai thác dữ liệu dân cư; chấm, trao giải và nhân rộng các "
            "sáng kiến đạt giải.",
            [d("Sáng kiến dự thi", "sáng kiến", 60)],
            deadline=110,
            coordinating=("SKHCN", "SGDDT"),
            is_sample=False,
        )
        .register(10)
        .return_registration(13, "Bổ sung tiêu chí chấm và sản phẩm định lượng của cuộc thi.")
        .resubmit(
            17,
            tasks="Tổ chức cuộc thi sáng kiến ứng dụng khai thác dữ liệu dân cư theo bộ tiêu chí chấm kèm theo; "
            "trao giải và nhân rộng các sáng kiến đạt giải.",
            deliverables=[
                d("Sáng kiến dự thi", "sáng kiến", 60),
                d("Sáng kiến được nhân rộng", "sáng kiến", 5),
            ],
        )
        .approve(19)
        .request_funding(
            20, [("Giải thưởng", 300_000_000), ("Tổ chức chấm thi", 200_000_000)], money=SOCIALIZED
        )
        .approve_funding(30, 500_000_000)
        .start(31)
        .progress(60, 50)
        .submit(85, "Nhận 74 sáng kiến; trao 12 giải; nhân rộng 5 sáng kiến.", ratio=1.2)
        .verify(88, by="police2")
        .sign_off(93)
    )
    m38 = (
        Script(
            38,
            "Trung tâm Giám sát an ninh mạng SOC tỉnh",
            "SKHCN",
            "Xây dựng Trung tâm giám sát an ninh mạng (SOC) của tỉnh; giám sát các hệ thống thông tin dùng "
            "chung, kết nối với hệ thống giám sát quốc gia.",
            [
                d("Hệ thống thông tin được giám sát", "hệ thống", 30),
                d("Máy chủ cài đặt tác tử giám sát", "máy chủ", 200),
            ],
            deadline=100,
            coordinating=("CAT",),
            is_sample=False,
        )
        .register(5)
        .approve(9)
        .request_funding(
            10,
            [("Thiết bị giám sát", 3_200_000_000), ("Phần mềm SIEM", 1_800_000_000)],
            money=CENTRAL,
        )
        .approve_funding(25, 4_600_000_000)
        .start(27)
        .progress(50, 35)
        .progress(80, 60)
        .extend(
            95, 140, "1520/QĐ-UBND", "Chậm bàn giao thiết bị do nhà thầu; gia hạn đến hết tháng."
        )
        .progress(105, 85)
        .submit(115, "SOC giám sát 30 hệ thống, 214 máy chủ.", ratio=1.07)
        .verify(118)
        .sign_off(125)
    )
    return [m6, m21, m22, m25, m37, m38]


def _in_progress() -> list[Script]:
    """Twenty models deploying: the IOC and nineteen sample themes."""
    ioc = (
        Script(
            IOC_NUMBER,
            "Trung tâm điều hành thông minh (IOC) tỉnh",
            "SKHCN",
            "Xây dựng Trung tâm điều hành thông minh của tỉnh, kết nối dữ liệu dân cư, camera và các hệ "
            "thống chuyên ngành phục vụ chỉ đạo, điều hành. (Báo cáo của tỉnh không nêu số thứ tự; số 12 "
            "do hệ thống đặt.)",
            [
                d("Phân hệ giám sát chuyên ngành", "phân hệ", 12),
                d("Nguồn dữ liệu kết nối", "nguồn", 40),
            ],
            deadline=210,
            coordinating=("CAT", "STC", "SXD"),
            is_sample=False,
        )
        .register(4)
        .approve(8)
        .request_funding(
            10,
            [("Hạ tầng, màn hình điều hành", 11_000_000_000), ("Phần mềm IOC", 7_500_000_000)],
            money=INVESTMENT,
        )
        .approve_funding(
            35, 15_000_000_000, comment="Phê duyệt giai đoạn 1; phần còn lại đề xuất bổ sung."
        )
        .start(38)
        .progress(60, 20)
        .progress(90, 45)
        .progress(120, 60)
        .request_funding(
            128,
            [("Phân hệ giao thông và đô thị", 3_500_000_000)],
            justification="Đợt bổ sung: phân hệ giao thông, đô thị theo kết luận của Thường trực UBND tỉnh.",
            money=CENTRAL,
        )
    )
    return [
        ioc,
        Script(
            1,
            "Sổ sức khỏe điện tử tích hợp trên ứng dụng VNeID",
            "SYT",
            "Tạo lập, cập nhật sổ sức khỏe điện tử cho người dân và đồng bộ lên VNeID.",
            [d("Người dân có sổ sức khỏe điện tử", "người", 1_800_000)],
            deadline=160,
            needs_funding=False,
        )
        .register(1)
        .approve(3)
        .start(5)
        .progress(30, 40)
        .progress(70, 75)
        .submit(140, "Đã tạo lập sổ sức khỏe điện tử cho 1,85 triệu người.", ratio=1.03)
        .verify(144, by="police2"),
        Script(
            2,
            "Chi trả lương hưu, trợ cấp BHXH không dùng tiền mặt",
            "BHXH",
            "Chuyển chi trả lương hưu, trợ cấp BHXH hằng tháng qua tài khoản ngân hàng đã xác thực với CSDL dân cư.",
            [d("Người hưởng nhận qua tài khoản", "người", 95_000)],
            deadline=140,
            needs_funding=False,
        )
        .register(3)
        .approve(6)
        .start(8)
        .progress(40, 55)
        .progress(100, 80)
        .submit(130, "95.000 người hưởng nhận lương hưu qua tài khoản.")
        .return_completion(
            134, "Số liệu chưa khớp danh sách chi trả tháng gần nhất; đề nghị đối soát lại."
        ),
        Script(
            3,
            "Cấp Phiếu lý lịch tư pháp qua ứng dụng VNeID",
            "CAT",
            "Tiếp nhận, trả kết quả Phiếu lý lịch tư pháp trên VNeID, liên thông dữ liệu với Sở Tư pháp.",
            [d("Phiếu cấp qua VNeID", "phiếu", 12_000)],
            deadline=170,
            coordinating=("SNV",),
        )
        .register(6)
        .approve(9)
        .request_funding(11, [("Nâng cấp phần mềm liên thông", 650_000_000)], money=RECURRENT)
        .approve_funding(24, 600_000_000)
        .start(26)
        .progress(50, 30)
        .progress(80, 70)
        .submit(128, "Đã cấp 12.400 phiếu qua VNeID.", ratio=1.03)
        .verify(131, by="police2"),
        Script(
            4,
            "Chi trả hỗ trợ học sinh, sinh viên không dùng tiền mặt",
            "SGDDT",
            "Chi trả học bổng, hỗ trợ học sinh, sinh viên qua tài khoản chính chủ đã xác thực.",
            [
                d("Học sinh nhận hỗ trợ qua tài khoản", "học sinh", 60_000),
                d("Trường triển khai", "trường", 400),
            ],
            deadline=130,
        )
        .register(8)
        .approve(12)
        .request_funding(14, [("Phần mềm quản lý chi trả", 900_000_000)], money=RECURRENT)
        .approve_funding(33, 850_000_000)
        .start(40)
        .progress(55, 25)
        .blocker(
            60,
            BlockerReason.DATA_QUALITY,
            "Nhiều học sinh chưa có tài khoản chính chủ; dữ liệu ngành chưa khớp CSDL dân cư.",
        ),
        Script(
            5,
            "Liên thông dữ liệu đất đai với thủ tục đăng ký cư trú",
            "SNNMT",
            "Kết nối CSDL đất đai với CSDL dân cư để giải quyết thủ tục đăng ký thường trú không cần giấy tờ nhà đất.",
            [d("Thửa đất được đối soát", "thửa", 500_000)],
            deadline=200,
            coordinating=("CAT",),
            needs_db=True,
        )
        .register(12)
        .approve(15)
        .request_funding(16, [("Số hóa, đối soát dữ liệu", 2_200_000_000)], money=RECURRENT)
        .db_permission(30, "302/CAT-PC06")
        .approve_funding(40, 2_000_000_000)
        .start(45)
        .progress(75, 35)
        .blocker(
            76,
            BlockerReason.LEGACY_SYSTEMS,
            "Phần mềm địa chính cũ tại nhiều xã không kết nối được.",
        )
        .progress(118, 50)
        .progress(138, 60),
        Script(
            7,
            "Cấp giấy phép xây dựng trực tuyến gắn định danh điện tử",
            "SXD",
            "Tiếp nhận hồ sơ cấp phép xây dựng trực tuyến, xác thực người nộp bằng tài khoản định danh điện tử.",
            [d("Hồ sơ nộp trực tuyến", "hồ sơ", 3_000)],
            deadline=180,
        )
        .register(14)
        .approve(20)
        .request_funding(22, [("Nâng cấp phần mềm một cửa", 480_000_000)], money=RECURRENT)
        .approve_funding(45, 480_000_000, by="finance2")
        .start(50)
        .progress(85, 40)
        .progress(112, 60)
        .progress(140, 70),
        Script(
            8,
            "Quản lý lưu trú du lịch qua ứng dụng VNeID",
            "SVHTTDL",
            "Khai báo lưu trú của khách du lịch qua VNeID tại cơ sở lưu trú.",
            [d("Cơ sở lưu trú khai báo qua VNeID", "cơ sở", 1_500)],
            deadline=190,
            needs_funding=False,
        )
        .register(15)
        .approve(18)
        .blocker(
            25,
            BlockerReason.WRONG_LEAD_AGENCY,
            "Quản lý lưu trú thuộc chức năng của Công an tỉnh.",
            by="police",
        )
        .reassign(35, "CAT", "1870/QĐ-UBND", "Giao Công an tỉnh chủ trì; Sở VHTTDL phối hợp.")
        .start(38)
        .progress(70, 45)
        .progress(110, 70)
        .progress(136, 80),
        Script(
            9,
            "Liên thông điện tử giấy chứng sinh, giấy báo tử",
            "SYT",
            "Cơ sở y tế gửi giấy chứng sinh, báo tử điện tử để làm thủ tục khai sinh, khai tử liên thông.",
            [d("Giấy chứng sinh điện tử", "giấy", 30_000), d("Giấy báo tử điện tử", "giấy", 8_000)],
            deadline=200,
            needs_funding=False,
            needs_db=True,
        )
        .register(18)
        .approve(21)
        .db_permission(28, "311/CAT-PC06")
        .start(30)
        .progress(60, 50)
        .progress(96, 70)
        .progress(128, 80),
        Script(
            10,
            "Xác thực người tham gia BHYT bằng thẻ căn cước tại cơ sở KCB",
            "BHXH",
            "Tra cứu thông tin thẻ BHYT bằng thẻ căn cước, VNeID tại toàn bộ cơ sở KCB ký hợp đồng.",
            [d("Cơ sở KCB tra cứu bằng thẻ căn cước", "cơ sở", 520)],
            deadline=160,
            coordinating=("SYT",),
            needs_funding=False,
        )
        .register(20)
        .approve(22)
        .start(24)
        .progress(50, 60)
        .progress(95, 90)
        .submit(120, "520 cơ sở KCB tra cứu thẻ BHYT bằng thẻ căn cước.")
        .verify(123)
        .return_signoff(126, "Đề nghị bổ sung số liệu đối soát với Sở Y tế.")
        .submit(139, "Đã bổ sung số liệu đối soát với Sở Y tế.", ratio=1.01),
        Script(
            11,
            "Tuyển sinh đầu cấp trực tuyến sử dụng dữ liệu dân cư",
            "SGDDT",
            "Tuyển sinh lớp 1, lớp 6, lớp 10 trực tuyến, lấy thông tin học sinh từ CSDL dân cư.",
            [d("Hồ sơ tuyển sinh trực tuyến", "hồ sơ", 70_000)],
            deadline=175,
        )
        .register(22)
        .approve(27)
        .request_funding(29, [("Phần mềm tuyển sinh", 750_000_000)], money=RECURRENT)
        .return_funding(38, "Dự toán trùng nội dung đã bố trí năm trước; đề nghị làm rõ.")
        .request_funding(44, [("Mở rộng phần mềm tuyển sinh lớp 10", 520_000_000)], money=RECURRENT)
        .approve_funding(60, 520_000_000)
        .start(62)
        .progress(92, 40)
        .progress(125, 65),
        Script(
            13,
            "Chi trả hỗ trợ nông dân qua tài khoản ngân hàng",
            "SNNMT",
            "Chi trả hỗ trợ giống, thiên tai cho hộ nông dân qua tài khoản đã xác thực.",
            [d("Hộ nhận hỗ trợ qua tài khoản", "hộ", 40_000)],
            deadline=140,
        )
        .register(25)
        .approve(30)
        .request_funding(32, [("Phần mềm quản lý chi trả", 380_000_000)], money=PROGRAMME)
        .approve_funding(55, 350_000_000)
        .start(60)
        .progress(100, 30)
        .blocker(
            101,
            BlockerReason.REORGANISATION,
            "Sau sáp nhập, đầu mối chi trả tại các xã chưa được kiện toàn.",
        ),
        Script(
            14,
            "Đổi giấy phép lái xe trực tuyến, liên thông dữ liệu sức khỏe",
            "SXD",
            "Đổi giấy phép lái xe trên Cổng dịch vụ công, dùng giấy khám sức khỏe điện tử.",
            [d("Giấy phép lái xe đổi trực tuyến", "giấy phép", 25_000)],
            deadline=135,
            coordinating=("SYT",),
            needs_funding=False,
        )
        .register(28)
        .approve(31)
        .start(35)
        .progress(70, 50)
        .progress(115, 75)
        .extend(130, 185, "2045/QĐ-UBND", "Chờ Bộ Xây dựng nâng cấp hệ thống cấp đổi; gia hạn."),
        Script(
            15,
            "Thư viện số, dùng thẻ căn cước làm thẻ thư viện",
            "SVHTTDL",
            "Số hóa tài liệu; bạn đọc dùng thẻ căn cước, VNeID để mượn, đọc tài liệu.",
            [
                d("Tài liệu được số hóa", "trang", 400_000),
                d("Bạn đọc dùng thẻ căn cước", "người", 10_000),
            ],
            deadline=240,
        )
        .register(30)
        .approve(34)
        .request_funding(36, [("Số hóa tài liệu", 1_200_000_000)], money=RECURRENT)
        .approve_funding(58, 1_000_000_000)
        .start(64)
        .progress(100, 40)
        .blocker(110, BlockerReason.OTHER, "Chờ bàn giao mặt bằng kho lưu trữ tài liệu.")
        .clear(125, BlockerReason.OTHER, "Đã bàn giao mặt bằng.")
        .progress(140, 55),
        Script(
            16,
            "Camera an ninh kết nối hệ thống giám sát của tỉnh",
            "CAT",
            "Kết nối camera an ninh tại các địa bàn trọng điểm về hệ thống giám sát của Công an tỉnh.",
            [d("Camera được kết nối", "camera", 2_000)],
            deadline=260,
            coordinating=("SKHCN",),
        )
        .register(33)
        .approve(35)
        .request_funding(37, [("Đường truyền, thiết bị kết nối", 5_000_000_000)], money=INVESTMENT)
        .approve_funding(
            70, 3_500_000_000, comment="Bố trí 3,5 tỷ đồng năm 2026; phần còn lại đề xuất năm sau."
        )
        .start(72)
        .progress(105, 30)
        .blocker(
            106, BlockerReason.WAITING_ON_CENTRAL, "Chờ Bộ Công an hướng dẫn chuẩn kết nối camera."
        )
        .progress(145, 45),
        Script(
            17,
            "Cấp chữ ký số cá nhân miễn phí cho người dân",
            "SKHCN",
            "Cấp chứng thư chữ ký số cá nhân cho người dân thực hiện dịch vụ công trực tuyến.",
            [d("Chứng thư số được cấp", "chứng thư", 150_000)],
            deadline=200,
        )
        .register(35)
        .approve(38)
        .request_funding(40, [("Chứng thư số", 1_500_000_000)], money=PROGRAMME)
        .approve_funding(62, 1_500_000_000)
        .start(66)
        .progress(98, 50)
        .progress(132, 70),
        Script(
            18,
            "Đơn thuốc điện tử liên thông",
            "SYT",
            "Kê đơn thuốc điện tử, liên thông với Hệ thống đơn thuốc quốc gia và nhà thuốc.",
            [d("Cơ sở kê đơn điện tử", "cơ sở", 300)],
            deadline=125,
            needs_funding=False,
        )
        .register(40)
        .approve(44)
        .start(46)
        .progress(80, 35)
        .blocker(
            81,
            BlockerReason.LEGACY_SYSTEMS,
            "Phần mềm HIS của nhiều phòng khám tư nhân không đáp ứng chuẩn liên thông.",
        ),
        Script(
            19,
            "Học bạ số",
            "SGDDT",
            "Triển khai học bạ số cấp tiểu học, trung học cơ sở, gắn mã định danh học sinh.",
            [d("Học sinh có học bạ số", "học sinh", 200_000)],
            deadline=230,
            needs_funding=False,
        )
        .register(42)
        .return_registration(45, "Chưa nêu rõ cấp học, phạm vi và chỉ tiêu định lượng.")
        .resubmit(
            50,
            tasks="Triển khai học bạ số cấp tiểu học và THCS trên toàn tỉnh, gắn mã định danh học sinh.",
            deliverables=[
                d("Học sinh có học bạ số", "học sinh", 220_000),
                d("Trường triển khai", "trường", 950),
            ],
        )
        .approve(53)
        .start(55)
        .progress(90, 30)
        .progress(127, 55),
        Script(
            20,
            "Cấp sổ BHXH, thẻ BHYT điện tử trên VNeID",
            "BHXH",
            "Tích hợp thông tin sổ BHXH, thẻ BHYT lên VNeID; người dân dùng thay thẻ giấy.",
            [d("Người tham gia tích hợp trên VNeID", "người", 2_000_000)],
            deadline=170,
            needs_funding=False,
            needs_db=True,
        )
        .register(45)
        .approve(48)
        .db_permission(52, "356/CAT-PC06")
        .start(55)
        .progress(85, 45)
        .progress(120, 70)
        .submit(146, "2,05 triệu người tham gia đã được tích hợp trên VNeID.", ratio=1.03),
        Script(
            23,
            "Truy xuất nguồn gốc nông sản gắn định danh hộ sản xuất",
            "SNNMT",
            "Cấp mã truy xuất nguồn gốc cho nông sản chủ lực, gắn với định danh hộ sản xuất.",
            [
                d("Sản phẩm có mã truy xuất", "sản phẩm", 300),
                d("Hộ sản xuất được định danh", "hộ", 5_000),
            ],
            deadline=220,
        )
        .register(50)
        .approve(54)
        .request_funding(56, [("Nền tảng truy xuất nguồn gốc", 600_000_000)], money=PROGRAMME)
        .approve_funding(80, 600_000_000)
        .start(85)
        .blocker(
            100,
            BlockerReason.DATA_QUALITY,
            "Danh sách hộ sản xuất ở nhiều xã chưa khớp dữ liệu dân cư.",
        )
        .progress(118, 25)
        .progress(137, 35),
    ]


def _not_started() -> list[Script]:
    """Twelve models not yet deploying, many stuck for the reasons the report names."""
    return [
        Script(
            24,
            "Xác thực điện tử trên Cổng dịch vụ công tỉnh bằng tài khoản VNeID",
            "SKHCN",
            "Tích hợp đăng nhập VNeID, tự động điền thông tin từ CSDL dân cư trên Cổng dịch vụ công tỉnh.",
            [d("Thủ tục tự điền thông tin từ CSDL dân cư", "thủ tục", 200)],
            deadline=200,
            needs_db=True,
        )
        .register(55)
        .approve(58)
        .request_funding(60, [("Tích hợp VNeID", 900_000_000)], money=RECURRENT)
        .approve_funding(88, 900_000_000)
        .blocker(
            90,
            BlockerReason.NO_POPULATION_DB_PERMISSION,
            "Chưa có văn bản cho phép kết nối theo NĐ 70/2024.",
            by="police",
        ),
        Script(
            26,
            "Quản lý nhà ở, thị trường bất động sản gắn mã định danh",
            "SXD",
            "Xây dựng CSDL nhà ở, giao dịch bất động sản gắn mã định danh cá nhân, tổ chức.",
            [d("Giao dịch được cập nhật", "giao dịch", 20_000)],
            deadline=140,
        )
        .register(60)
        .approve(65)
        .request_funding(67, [("Xây dựng CSDL nhà ở", 2_800_000_000)], money=INVESTMENT)
        .reject_funding(
            85, "Năm 2026 không còn nguồn đầu tư công; đề nghị đưa vào kế hoạch năm 2027."
        ),
        Script(
            27,
            "Bán vé điện tử, định danh du khách tại khu di tích",
            "SVHTTDL",
            "Bán vé tham quan điện tử, kiểm soát vào cổng bằng thẻ căn cước, VNeID tại các khu di tích.",
            [d("Khu di tích áp dụng vé điện tử", "khu", 8)],
            deadline=230,
        )
        .register(65)
        .approve(69)
        .request_funding(71, [("Cổng kiểm soát vé", 1_400_000_000)], money=RECURRENT)
        .return_funding(84, "Dự toán chưa tách phần mua sắm thiết bị và phần thuê dịch vụ.")
        .request_funding(
            95,
            [("Thuê dịch vụ vé điện tử", 700_000_000), ("Cổng kiểm soát", 500_000_000)],
            money=RECURRENT,
        )
        .reject_funding(
            112, "Đề nghị thực hiện theo hình thức xã hội hóa, ngân sách không bố trí."
        ),
        Script(
            28,
            "Trường học không dùng tiền mặt",
            "SGDDT",
            "Thu học phí, các khoản thu của nhà trường qua thanh toán không dùng tiền mặt.",
            [d("Trường thu không dùng tiền mặt", "trường", 900)],
            deadline=210,
        )
        .register(70)
        .approve(74)
        .blocker(
            80,
            BlockerReason.WRONG_LEAD_AGENCY,
            "Đề nghị UBND tỉnh xem xét giao Sở Tài chính chủ trì, phối hợp ngân hàng.",
            by="police",
        ),
        Script(
            29,
            "Bệnh án điện tử tại bệnh viện tuyến tỉnh",
            "SYT",
            "Triển khai bệnh án điện tử, bỏ bệnh án giấy tại các bệnh viện tuyến tỉnh.",
            [d("Bệnh viện triển khai bệnh án điện tử", "bệnh viện", 12)],
            deadline=240,
        )
        .register(75)
        .approve(80)
        .request_funding(
            82,
            [("Phần mềm bệnh án điện tử", 4_200_000_000)],
            by="officer_finance_syt",
            money=INVESTMENT,
        ),
        Script(
            30,
            "Chi trả trợ cấp thất nghiệp qua tài khoản ngân hàng",
            "BHXH",
            "Chi trả trợ cấp thất nghiệp qua tài khoản đã xác thực với CSDL dân cư.",
            [d("Người hưởng nhận qua tài khoản", "người", 15_000)],
            deadline=220,
            needs_funding=False,
            needs_db=True,
        )
        .register(80)
        .approve(124, comment="Đồng ý; đề nghị sớm làm thủ tục đề nghị kết nối CSDL dân cư."),
        Script(
            31,
            "Xác minh nơi cư trú cho hồ sơ mua, thuê nhà ở xã hội",
            "SXD",
            "Tự động xác minh nơi cư trú, tình trạng nhà ở của người nộp hồ sơ nhà ở xã hội qua CSDL dân cư.",
            [d("Hồ sơ được xác minh tự động", "hồ sơ", 4_000)],
            deadline=250,
            needs_db=True,
        )
        .register(88)
        .approve(92)
        .request_funding(94, [("Phần mềm xác minh", 450_000_000)], money=RECURRENT)
        .approve_funding(118, 450_000_000, by="finance2")
        .blocker(
            125,
            BlockerReason.NO_POPULATION_DB_PERMISSION,
            "Đang chờ Bộ Công an cấp tài khoản kết nối.",
        ),
        Script(
            32,
            "Định danh vận động viên, quản lý giải thể thao",
            "SVHTTDL",
            "Quản lý vận động viên, đăng ký thi đấu bằng mã định danh.",
            [d("Giải đấu áp dụng", "giải", 10)],
            deadline=200,
            needs_funding=False,
        )
        .register(100)
        .return_registration(
            104, "Chưa có sản phẩm định lượng về số vận động viên được định danh."
        ),
        Script(
            33,
            "Kho dữ liệu dùng chung và cổng dữ liệu mở của tỉnh",
            "SKHCN",
            "Xây dựng kho dữ liệu dùng chung, công bố dữ liệu mở phục vụ người dân, doanh nghiệp.",
            [d("Bộ dữ liệu mở được công bố", "bộ", 150)],
            deadline=260,
        )
        .register(110)
        .approve(113)
        .request_funding(116, [("Kho dữ liệu", 3_000_000_000)], money=INVESTMENT)
        .return_funding(127, "Bổ sung danh mục dữ liệu mở và lộ trình công bố.")
        .request_funding(
            135,
            [("Kho dữ liệu", 2_600_000_000)],
            justification="Đã bổ sung danh mục dữ liệu mở và lộ trình.",
            money=INVESTMENT,
        ),
        Script(
            34,
            "Đăng ký xe trực tuyến toàn trình qua VNeID",
            "CAT",
            "Đăng ký, cấp biển số xe trực tuyến toàn trình bằng tài khoản định danh mức 2.",
            [d("Hồ sơ đăng ký xe trực tuyến", "hồ sơ", 30_000)],
            deadline=240,
        )
        .register(125)
        .approve(128),
        Script(
            35,
            "Số hóa hồ sơ địa chính, đối soát với CSDL dân cư",
            "SNNMT",
            "Số hóa hồ sơ địa chính, đối soát thông tin chủ sử dụng đất với CSDL dân cư.",
            [d("Hồ sơ địa chính số hóa", "hồ sơ", 300_000)],
            deadline=270,
            needs_db=True,
        )
        .register(126)
        .return_registration(129, "Đề nghị làm rõ phạm vi: các xã, phường sau sắp xếp.")
        # Resubmitted some three weeks before "now": its review is past the police's time limit.
        .resubmit(
            132,
            tasks="Số hóa hồ sơ địa chính của 130 xã, phường sau sắp xếp; đối soát với CSDL dân cư.",
        ),
        Script(
            36,
            "Đăng ký khám bệnh trực tuyến, thanh toán viện phí không dùng tiền mặt",
            "SYT",
            "Đặt lịch khám qua VNeID, thanh toán viện phí không dùng tiền mặt tại bệnh viện tuyến tỉnh.",
            [d("Bệnh viện áp dụng", "bệnh viện", 15)],
            deadline=280,
        ).register(146),
    ]


def scripts() -> list[Script]:
    """All 38 models, built afresh: the builders keep state while they run."""
    return _completed() + _in_progress() + _not_started()
