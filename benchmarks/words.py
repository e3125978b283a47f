"""The fixed vocabulary of the benchmark corpus: tags, units, places and sentences in both languages."""

# (Vietnamese, English) pairs.
TAGS = (
    ("Thi đua khen thưởng", "Emulation and commendation"),
    ("Hội nghị", "Conferences"),
    ("Giao ước thi đua", "Emulation pledge"),
    ("Tập huấn", "Training"),
    ("Chữ thập đỏ", "Red Cross"),
    ("Khuyến học", "Study promotion"),
    ("Người cao tuổi", "Older people"),
    ("Cựu chiến binh", "Veterans"),
    ("Từ thiện nhân đạo", "Humanitarian work"),
    ("Hiến máu tình nguyện", "Blood donation"),
    ("Phòng chống dịch", "Epidemic prevention"),
    ("Chuyển đổi số", "Digital transformation"),
    ("Cải cách hành chính", "Administrative reform"),
    ("Văn hóa công sở", "Workplace culture"),
    ("Điển hình tiên tiến", "Exemplary models"),
    ("Kiểm tra giám sát", "Inspection and supervision"),
    ("Tổng kết năm", "Year-end review"),
    ("Sơ kết", "Interim review"),
    ("Đại hội", "Congress"),
    ("Nông thôn mới", "New countryside"),
    ("Người nghèo", "The poor"),
    ("Trẻ em", "Children"),
    ("Môi trường", "Environment"),
    ("Văn học nghệ thuật", "Literature and arts"),
    ("Khoa học kỹ thuật", "Science and technology"),
    ("Y tế", "Health"),
    ("Pháp luật", "Law"),
    ("Báo chí", "Press"),
)

UNITS = (
    ("Hội Chữ thập đỏ tỉnh", "the Provincial Red Cross Society"),
    ("Hội Khuyến học tỉnh", "the Provincial Study Promotion Association"),
    ("Hội Người cao tuổi tỉnh", "the Provincial Association of the Elderly"),
    ("Hội Luật gia tỉnh", "the Provincial Lawyers' Association"),
    ("Hội Nhà báo tỉnh", "the Provincial Journalists' Association"),
    ("Hội Văn học nghệ thuật tỉnh", "the Provincial Literature and Arts Association"),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", "the Provincial Union of Science and Technology Associations"),
    ("Hội Cựu thanh niên xung phong tỉnh", "the Provincial Association of Former Youth Volunteers"),
    ("Hội Người mù tỉnh", "the Provincial Association of the Blind"),
    ("Hội Đông y tỉnh", "the Provincial Association of Traditional Medicine"),
    ("Hội Nạn nhân chất độc da cam/dioxin tỉnh", "the Provincial Association of Agent Orange/Dioxin Victims"),
    ("Hội Bảo trợ người khuyết tật và trẻ mồ côi tỉnh", "the Provincial Association for Disabled People and Orphans"),
    ("Hội Sinh vật cảnh tỉnh", "the Provincial Ornamental Plants Association"),
    ("Hội Làm vườn tỉnh", "the Provincial Gardening Association"),
    ("Hội Kiến trúc sư tỉnh", "the Provincial Architects' Association"),
    ("Hội Y học tỉnh", "the Provincial Medical Association"),
    ("Hội Điều dưỡng tỉnh", "the Provincial Nursing Association"),
)

EVENTS = (
    ("Hội nghị triển khai", "Conference launching"),
    ("Hội nghị sơ kết", "Interim review conference on"),
    ("Hội nghị tổng kết", "Year-end review conference on"),
    ("Tập huấn nghiệp vụ", "Training course on"),
    ("Hội thảo", "Workshop on"),
    ("Đoàn kiểm tra", "Inspection visit on"),
    ("Lễ phát động", "Launch ceremony for"),
    ("Giao lưu", "Exchange on"),
    ("Trao tặng", "Awards for"),
)

TOPICS = (
    ("công tác thi đua khen thưởng", "emulation and commendation work"),
    ("phong trào thi đua yêu nước", "the patriotic emulation movement"),
    ("công tác nhân đạo, từ thiện", "humanitarian and charity work"),
    ("phong trào khuyến học, khuyến tài", "the study and talent promotion movement"),
    ("văn hóa công sở", "workplace culture"),
    ("chuyển đổi số trong hoạt động Hội", "digital transformation in the associations' work"),
    ("chăm sóc người cao tuổi", "care for older people"),
    ("hỗ trợ người nghèo", "support for the poor"),
    ("xây dựng nông thôn mới", "building the new countryside"),
    ("phòng chống dịch bệnh", "disease prevention"),
    ("phổ biến, giáo dục pháp luật", "legal education"),
)

PLACES = (
    ("thành phố Thái Nguyên", "Thái Nguyên city"),
    ("thành phố Sông Công", "Sông Công city"),
    ("thị xã Phổ Yên", "Phổ Yên town"),
    ("huyện Đại Từ", "Đại Từ district"),
    ("huyện Định Hóa", "Định Hóa district"),
    ("huyện Phú Lương", "Phú Lương district"),
    ("huyện Võ Nhai", "Võ Nhai district"),
    ("huyện Đồng Hỷ", "Đồng Hỷ district"),
    ("huyện Phú Bình", "Phú Bình district"),
)

# Sentences with {unit}, {place}, {year}, {count}, {topic} holes.
VI_SENTENCES = (
    "Tới dự có đại diện lãnh đạo Ban Thi đua khen thưởng tỉnh cùng các đồng chí phụ trách công tác thi đua của {count} đơn vị trong Khối.",
    "Trong năm {year}, {unit} đã chủ động phối hợp với các đơn vị thành viên triển khai nhiều hoạt động thiết thực tại {place}.",
    "Các đại biểu đã thảo luận sôi nổi, đóng góp nhiều ý kiến tâm huyết nhằm nâng cao chất lượng {topic}.",
    "Nhằm phát huy tinh thần chủ động, sáng tạo của các đơn vị thành viên, Khối đã thống nhất lựa chọn nội dung thi đua trọng tâm của năm.",
    "Phát biểu tại buổi làm việc, đại diện {unit} ghi nhận những kết quả nổi bật và chỉ ra một số hạn chế cần khắc phục.",
    "Hoạt động của các Hội trong Khối có chủ đề, mục tiêu phấn đấu rõ ràng, đảm bảo công khai, dân chủ.",
    "Nhiều mô hình hay, cách làm hiệu quả đã được nhân rộng, tạo sức lan tỏa mạnh mẽ trong cán bộ, hội viên.",
    "Bên cạnh những nhiệm vụ thường xuyên, các đơn vị tập trung thực hiện các nhiệm vụ đột xuất do tỉnh giao.",
    "Kết quả, {count} tập thể và cá nhân đã được đề nghị khen thưởng vì có thành tích xuất sắc trong {topic}.",
    "Mỗi đơn vị cần rà soát lại các phong trào thi đua, phát huy tinh thần đoàn kết, hỗ trợ lẫn nhau để phối hợp kịp thời, nhịp nhàng.",
    "Đoàn đã trao {count} suất quà cho các hộ gia đình có hoàn cảnh khó khăn tại {place}.",
    "Công tác tuyên truyền được đẩy mạnh trên trang thông tin điện tử và các nhóm Zalo của từng Hội.",
    "Theo báo cáo, tổng giá trị các hoạt động hỗ trợ trong năm {year} ước đạt {count} triệu đồng.",
    "Các đơn vị đã ký cam kết thực hiện tốt văn hóa công sở và nơi công cộng, nâng cao ý thức trách nhiệm của cán bộ, nhân viên.",
    "Hội nghị cũng đã nghe dự thảo quy chế thi đua và bảng tiêu chí chấm điểm thi đua của Khối năm {year}.",
    "Ban Biên tập ghi nhận ý kiến của các đại biểu về việc đơn giản hóa thủ tục, hồ sơ đề nghị khen thưởng.",
    "Đồng chí Trưởng khối đề nghị các đơn vị tiếp tục đổi mới nội dung, hình thức tổ chức phong trào thi đua.",
    "Qua kiểm tra tại {place}, đoàn đánh giá cao sự chuẩn bị chu đáo và tinh thần trách nhiệm của {unit}.",
    "Cán bộ, hội viên tích cực tham gia hiến máu tình nguyện, với {count} đơn vị máu được tiếp nhận.",
    "Chương trình khép lại trong không khí ấm áp, phấn khởi và quyết tâm thi đua hoàn thành xuất sắc nhiệm vụ năm {year}.",
)

EN_SENTENCES = (
    "Attending were leaders of the Provincial Emulation and Commendation Board and the officers in charge of emulation work from {count} units of the bloc.",
    "In {year}, {unit} worked with the member units to carry out many practical activities in {place}.",
    "The delegates held a lively discussion and made many thoughtful suggestions to improve the quality of {topic}.",
    "To encourage initiative and creativity among the member units, the bloc agreed on the main emulation themes of the year.",
    "Speaking at the meeting, a representative of {unit} acknowledged the outstanding results and pointed out some shortcomings to be addressed.",
    "The activities of the associations in the bloc had clear themes and goals, ensuring openness and democracy.",
    "Many good models and effective practices have been replicated, spreading widely among officers and members.",
    "Besides their regular tasks, the units focused on the unexpected tasks assigned by the province.",
    "As a result, {count} groups and individuals were proposed for commendation for their outstanding achievements in {topic}.",
    "Each unit needs to review its emulation movements and promote solidarity and mutual support so that coordination is timely and smooth.",
    "The delegation presented {count} gifts to families in difficult circumstances in {place}.",
    "Communication was stepped up on the website and on each association's Zalo groups.",
    "According to the report, the total value of support activities in {year} reached an estimated {count} million dong.",
    "The units pledged to practise a proper culture in the workplace and in public places and to raise the sense of responsibility of their staff.",
    "The conference also heard the draft emulation regulations and the bloc's scoring criteria table for {year}.",
    "The editorial board noted the delegates' views on simplifying the procedures and files for commendation proposals.",
    "The head of the bloc asked the units to keep renewing the content and form of the emulation movements.",
    "During the inspection in {place}, the delegation praised the careful preparation and sense of responsibility of {unit}.",
    "Officers and members took an active part in voluntary blood donation, with {count} units of blood collected.",
    "The programme closed in a warm and enthusiastic atmosphere, with the determination to excellently fulfil the tasks of {year}.",
)

VI_HEADINGS = (
    "Kết quả nổi bật",
    "Những tồn tại, hạn chế",
    "Phương hướng, nhiệm vụ năm tới",
    "Các hoạt động chính",
    "Ý kiến của đại biểu",
    "Công tác phối hợp",
    "Khen thưởng",
)
EN_HEADINGS = (
    "Main results",
    "Shortcomings and limitations",
    "Directions and tasks for next year",
    "Main activities",
    "Delegates' views",
    "Coordination",
    "Commendation",
)
VI_ITEMS = (
    "tổ chức {count} lớp tập huấn cho cán bộ, hội viên",
    "phát triển thêm {count} hội viên mới",
    "vận động ủng hộ quỹ vì người nghèo",
    "đẩy mạnh ứng dụng công nghệ thông tin trong công tác Hội",
    "kịp thời biểu dương, khen thưởng các điển hình tiên tiến",
    "thực hiện nghiêm chế độ thông tin, báo cáo",
    "phối hợp tổ chức các hoạt động tại {place}",
    "nâng cao chất lượng {topic}",
)
EN_ITEMS = (
    "holding {count} training classes for officers and members",
    "recruiting {count} new members",
    "raising donations for the fund for the poor",
    "stepping up the use of information technology in the associations' work",
    "promptly praising and commending exemplary models",
    "strictly following the rules on information and reporting",
    "jointly organising activities in {place}",
    "improving the quality of {topic}",
)
VI_RANKS = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ")
EN_RANKS = ("Excellently fulfilled the tasks", "Fulfilled the tasks well", "Fulfilled the tasks")
