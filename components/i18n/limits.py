"""Texts of the limits part of the page, in every language: the "Limits" list in the
sidebar (`limits_*`) and the backend's refusals (`err_*`, the text keys a
model.config.ConfigError carries; the English equals the backend's own sentence, which
tests/model/test_hostile.py checks for every hostile input).

The keys of EN and KO must match (tests/components/test_text.py)."""

EN: dict[str, str] = {
    # --- the Limits list (components/limits_view.py) ---------------------------------
    "limits_title": "Limits",
    "limits_caption": (
        "The server is shared by everyone in the lecture: these limits keep any one scene "
        "small and quick. Going past one gives a message, never a crash."
    ),
    "limits_group_text": "Your text",
    "limits_group_model": "The model",
    "limits_group_training": "Training",
    "limits_group_uploads": "Model files",
    "limits_group_charts": "Charts",
    "limits_sequences": "**{value}** lines (sequences): one batch, one chart row each",
    "limits_steps": "**{value}** steps a line: every step is computed and drawn",
    "limits_text_chars": "**{value}** characters in all: the text box and the link",
    "limits_token_chars": "**{value}** characters a token: labels and hover text",
    "limits_vocab": "**{value}** distinct tokens: the one-hot input size",
    "limits_features": "**{value}** numbers per step: the input size for numbers",
    "limits_abs_number": "numbers up to **±{value}**: catches typos, keeps float32 exact",
    "limits_hidden": "hidden size **{value}**",
    "limits_layers": "**{value}** layers",
    "limits_input_size": "embedding size **{value}**",
    "limits_seed": "seed **0 – {value}**: what torch.manual_seed accepts",
    "limits_state_values": (
        "**{value}** traced hidden values (lines × steps × hidden × layers × directions): "
        "the memory and time of one scene"
    ),
    "limits_train_steps": "**{value}** training steps",
    "limits_learning_rate": "learning rate **{low} – {high}**",
    "limits_train_work": (
        "**{value}** hidden values × steps per run: the computing time of one run"
    ),
    "limits_train_seconds": "**{value} s** per run: a run then stops and keeps what it learned",
    "limits_snapshots": "**{value}** weight snapshots kept per run",
    "limits_snapshot_bytes": "**{value} MB** of snapshots per session: the server's memory",
    "limits_upload_bytes": "**{value} MB** per model file, and for its weights unzipped",
    "limits_settings_bytes": "**{value} kB** of settings in a model file",
    "limits_server_upload": "**{value} MB** per upload, refused by the server before the app",
    "limits_server_message": "**{value} MB** per message to your browser",
    "limits_frames": "**{value}** animation frames: longer lines move a few steps a frame",
    "limits_tick_labels": "**{value}** token labels on the time axis (then hover)",
    "limits_label_chars": "**{value}** characters of labels on the time axis",
    "limits_point_labels": "**{value}** labelled points on the state path",
    "limits_hover_cells": "**{value}** heatmap cells with the token in the hover text",
    "limits_gate_units": "**{value}** units in the gates chart (then the chosen ones)",
    # --- the backend's refusals: model/config.py ---------------------------------------
    "err_not_bool": "{name} must be true or false.",
    "err_sequences_type": "sequences must be a tuple of strings.",
    "err_text_too_long": "The text is too long: at most {limit:,} characters in all.",
    "err_choice": "{name} must be one of {options} (got {got}).",
    "err_not_int": "{name} must be a whole number (got {got}).",
    "err_int_range": "{name} must be between {low} and {high:,} (got {got}).",
    # model/encoding.py
    "err_tokenize_numbers": "tokenize() does not read numbers; use parse_numbers (got {got}).",
    "err_features_in_line": (
        "Every step needs the same number of features (this line has steps of {sizes})."
    ),
    "err_decimal_comma": (
        "{value} looks like a number with a decimal comma. Write it with a decimal point "
        "(0.5); commas and spaces separate numbers."
    ),
    "err_no_text": "Type at least one sequence (one per line).",
    "err_too_many_lines": "At most {limit} sequences (lines); got {got:,}.",
    "err_vocab": (
        "Too many distinct tokens: {got:,} (at most {limit}). "
        "Use fewer distinct words or characters."
    ),
    "err_line": "Line {line}: {reason}",
    "err_no_numbers": "Line {line} has no numbers.",
    "err_features_lines": "Every line needs the same number of features per step.",
    "err_too_many_features": "At most {limit} numbers per step; got {got:,}.",
    "err_no_tokens": "Line {line} has no tokens.",
    "err_too_many_steps": "Line {line} has {got:,} steps; at most {limit:,} per sequence.",
    "err_token_too_long": (
        "Line {line} has a token of {got:,} characters ({token}); a token (a word, or a "
        "character with its accent marks) has at most {limit}."
    ),
    "err_not_a_number": (
        "{value} is not a number. Write numbers like 0.5 or -2 (a decimal point, not a comma)."
    ),
    "err_not_finite": "{value} is not a finite number.",
    "err_number_too_large": "{value} is too large (at most {limit:g} in size).",
    # model/checkpoint.py
    "err_ckpt_not_checkpoint": (
        "This file is not a checkpoint saved by the explorer, or it is damaged. "
        "Upload the .zip you downloaded, unchanged."
    ),
    "err_ckpt_save_too_large": (
        "This model is too large to download and upload again ({got:,} bytes of weights; "
        "uploads are capped at {limit:,} bytes). Use a smaller hidden size or fewer layers."
    ),
    "err_ckpt_empty": "The uploaded file is empty.",
    "err_ckpt_too_large": (
        "The file is too large: uploads are capped at {limit:,} bytes ({megabytes} MB)."
    ),
    "err_ckpt_unreadable": "The upload could not be read.",
    "err_ckpt_members": (
        "A checkpoint holds exactly two files, {weights} and {settings}; this one holds "
        "{got:,} file(s), not those two."
    ),
    "err_ckpt_encrypted": "The checkpoint is encrypted; upload the file as downloaded.",
    "err_ckpt_member_too_large": (
        "{name} in the checkpoint is larger than allowed ({limit:,} bytes uncompressed)."
    ),
    "err_ckpt_json": "{name} in the checkpoint is not valid JSON.",
    "err_ckpt_not_settings": "{name} is not the explorer's checkpoint settings.",
    "err_ckpt_version": (
        "This checkpoint has format version {got}; this explorer reads version {version}."
    ),
    "err_ckpt_entries": "{name} has missing or unexpected entries.",
    "err_ckpt_explorer_fields": "The explorer settings in {name} have missing or extra fields.",
    "err_ckpt_training_fields": "The training settings in {name} have missing or extra fields.",
    "err_ckpt_sequences": "The sequences in the checkpoint settings must be a list of text.",
    "err_ckpt_settings_invalid": "The checkpoint settings are not valid: {reason}",
    "err_ckpt_settings_odd": "The checkpoint settings are not valid.",
    "err_ckpt_constant": "{name} contains {constant}, which is not a valid setting.",
    "err_ckpt_duplicate": "{name} repeats a setting.",
    "err_ckpt_settings_unusable": "The checkpoint settings cannot be used: {reason}",
    "err_ckpt_not_safetensors": "{name} in the checkpoint is not a safetensors file.",
    "err_ckpt_tensors_both": (
        "The weights do not fit these settings: missing {missing}; {extra} unexpected tensor(s)."
    ),
    "err_ckpt_tensors_missing": "The weights do not fit these settings: missing {missing}.",
    "err_ckpt_tensors_extra": (
        "The weights do not fit these settings: {extra} unexpected tensor(s)."
    ),
    "err_ckpt_dtype": "The weight {name} must be float32 (it is {dtype}).",
    "err_ckpt_shape": "The weight {name} has shape {shape}; these settings need {need}.",
    "err_ckpt_not_finite": "The weight {name} contains NaN or infinite values.",
}

KO: dict[str, str] = {
    # --- 제한 목록 --------------------------------------------------------------------
    "limits_title": "제한",
    "limits_caption": (
        "서버는 강의를 듣는 모두가 함께 씁니다. 아래 제한 덕분에 어떤 장면도 작고 빠르게 "
        "유지됩니다. 제한을 넘으면 안내 메시지가 나올 뿐, 앱이 멈추지는 않습니다."
    ),
    "limits_group_text": "입력 텍스트",
    "limits_group_model": "모델",
    "limits_group_training": "학습",
    "limits_group_uploads": "모델 파일",
    "limits_group_charts": "차트",
    "limits_sequences": "줄(시퀀스) **{value}**개: 배치 하나, 줄마다 차트 한 행",
    "limits_steps": "한 줄에 시점 **{value}**개: 모든 시점을 계산하고 그립니다",
    "limits_text_chars": "모두 합쳐 **{value}**자: 입력 상자와 링크",
    "limits_token_chars": "토큰 하나에 **{value}**자: 축 레이블과 마우스 오버 텍스트",
    "limits_vocab": "서로 다른 토큰 **{value}**개: 원-핫 입력 크기",
    "limits_features": "시점마다 숫자 **{value}**개: 숫자 입력의 입력 크기",
    "limits_abs_number": "숫자는 **±{value}**까지: 오타를 잡고 float32 정밀도를 지킵니다",
    "limits_hidden": "은닉 크기 **{value}**",
    "limits_layers": "층 **{value}**개",
    "limits_input_size": "임베딩 크기 **{value}**",
    "limits_seed": "시드 **0 – {value}**: torch.manual_seed가 받는 범위",
    "limits_state_values": (
        "추적하는 은닉 값 **{value}**개 (줄 × 시점 × 은닉 크기 × 층 × 방향): 장면 하나의 "
        "메모리와 계산 시간"
    ),
    "limits_train_steps": "학습 스텝 **{value}**번",
    "limits_learning_rate": "학습률 **{low} – {high}**",
    "limits_train_work": "한 번 학습에 은닉 값 × 스텝 **{value}**: 학습 한 번의 계산 시간",
    "limits_train_seconds": "학습 한 번에 **{value}초**: 그 뒤 멈추고 배운 것은 남깁니다",
    "limits_snapshots": "학습 한 번에 가중치 스냅샷 **{value}**개 보관",
    "limits_snapshot_bytes": "세션마다 스냅샷 **{value} MB**: 서버 메모리",
    "limits_upload_bytes": "모델 파일 하나에 **{value} MB**, 압축을 푼 가중치도 같은 한도",
    "limits_settings_bytes": "모델 파일 속 설정 **{value} kB**",
    "limits_server_upload": "업로드 하나에 **{value} MB**: 넘으면 앱에 오기 전에 서버가 거절합니다",
    "limits_server_message": "브라우저로 보내는 메시지 하나에 **{value} MB**",
    "limits_frames": "애니메이션 프레임 **{value}**개: 긴 줄은 한 프레임에 여러 시점씩 움직입니다",
    "limits_tick_labels": "시간 축의 토큰 레이블 **{value}**개 (넘으면 마우스 오버로 확인)",
    "limits_label_chars": "시간 축 레이블 글자 **{value}**자",
    "limits_point_labels": "상태 경로에서 레이블이 붙는 점 **{value}**개",
    "limits_hover_cells": "마우스 오버에 토큰이 나오는 히트맵 칸 **{value}**개",
    "limits_gate_units": "게이트 차트의 유닛 **{value}**개 (넘으면 고른 유닛만)",
    # --- 백엔드의 거절 메시지: model/config.py -------------------------------------------
    "err_not_bool": "{name} 값은 true 또는 false여야 합니다.",
    "err_sequences_type": "sequences는 문자열의 튜플이어야 합니다.",
    "err_text_too_long": "텍스트가 너무 깁니다. 모두 합쳐 최대 {limit:,}자까지 입력할 수 있습니다.",
    "err_choice": "{name} 값은 {options} 중 하나여야 합니다 (입력값: {got}).",
    "err_not_int": "{name} 값은 정수여야 합니다 (입력값: {got}).",
    "err_int_range": "{name} 값은 {low}에서 {high:,} 사이여야 합니다 (입력값: {got}).",
    # model/encoding.py
    "err_tokenize_numbers": (
        "tokenize()는 숫자를 읽지 않습니다. parse_numbers를 쓰세요 (입력값: {got})."
    ),
    "err_features_in_line": (
        "모든 시점의 특성 개수가 같아야 합니다 (이 줄에는 특성이 {sizes}개인 시점이 섞여 있습니다)."
    ),
    "err_decimal_comma": (
        "{value}은(는) 소수점 대신 쉼표를 쓴 숫자로 보입니다. 소수점으로 써 주세요 (0.5). "
        "쉼표와 공백은 숫자를 구분합니다."
    ),
    "err_no_text": "시퀀스를 한 줄에 하나씩, 하나 이상 입력하세요.",
    "err_too_many_lines": "시퀀스(줄)는 최대 {limit}개까지입니다. 지금은 {got:,}개입니다.",
    "err_vocab": (
        "서로 다른 토큰이 너무 많습니다: {got:,}개 (최대 {limit}개). 서로 다른 단어나 글자의 "
        "수를 줄여 주세요."
    ),
    "err_line": "{line}번째 줄: {reason}",
    "err_no_numbers": "{line}번째 줄에 숫자가 없습니다.",
    "err_features_lines": "모든 줄에서 시점마다 특성 개수가 같아야 합니다.",
    "err_too_many_features": "시점마다 숫자는 최대 {limit}개까지입니다. 지금은 {got:,}개입니다.",
    "err_no_tokens": "{line}번째 줄에 토큰이 없습니다.",
    "err_too_many_steps": (
        "{line}번째 줄은 시점이 {got:,}개입니다. 시퀀스 하나는 최대 {limit:,}개 시점까지입니다."
    ),
    "err_token_too_long": (
        "{line}번째 줄에 {got:,}자짜리 토큰이 있습니다 ({token}). 토큰(단어, 또는 결합 부호가 "
        "붙은 글자 하나)은 최대 {limit}자까지입니다."
    ),
    "err_not_a_number": (
        "{value}은(는) 숫자가 아닙니다. 0.5나 -2처럼 써 주세요 (쉼표가 아니라 소수점을 씁니다)."
    ),
    "err_not_finite": "{value}은(는) 유한한 숫자가 아닙니다.",
    "err_number_too_large": "{value}은(는) 너무 큽니다 (절댓값은 최대 {limit:g}).",
    # model/checkpoint.py
    "err_ckpt_not_checkpoint": (
        "이 파일은 탐색기에서 저장한 체크포인트가 아니거나 손상되었습니다. 내려받은 .zip "
        "파일을 그대로 올려 주세요."
    ),
    "err_ckpt_save_too_large": (
        "이 모델은 너무 커서 내려받은 뒤 다시 올릴 수 없습니다 (가중치 {got:,}바이트, 업로드 "
        "한도 {limit:,}바이트). 은닉 크기나 층 수를 줄여 주세요."
    ),
    "err_ckpt_empty": "올린 파일이 비어 있습니다.",
    "err_ckpt_too_large": (
        "파일이 너무 큽니다. 업로드는 최대 {limit:,}바이트({megabytes} MB)까지입니다."
    ),
    "err_ckpt_unreadable": "올린 파일을 읽을 수 없습니다.",
    "err_ckpt_members": (
        "체크포인트에는 {weights}와 {settings} 두 파일만 들어 있어야 합니다. 이 파일에는 "
        "파일이 {got:,}개 들어 있고, 그 두 파일로 이루어져 있지 않습니다."
    ),
    "err_ckpt_encrypted": "체크포인트가 암호화되어 있습니다. 내려받은 파일을 그대로 올려 주세요.",
    "err_ckpt_member_too_large": (
        "체크포인트 안의 {name} 파일이 허용 크기보다 큽니다 (압축을 풀면 최대 {limit:,}바이트)."
    ),
    "err_ckpt_json": "체크포인트 안의 {name} 파일이 올바른 JSON이 아닙니다.",
    "err_ckpt_not_settings": "{name} 파일은 탐색기의 체크포인트 설정이 아닙니다.",
    "err_ckpt_version": (
        "이 체크포인트의 형식 버전은 {got}입니다. 이 탐색기는 버전 {version}을 읽습니다."
    ),
    "err_ckpt_entries": "{name}에 빠졌거나 예상하지 못한 항목이 있습니다.",
    "err_ckpt_explorer_fields": "{name}의 탐색기 설정에 빠졌거나 남는 필드가 있습니다.",
    "err_ckpt_training_fields": "{name}의 학습 설정에 빠졌거나 남는 필드가 있습니다.",
    "err_ckpt_sequences": "체크포인트 설정의 sequences는 텍스트 목록이어야 합니다.",
    "err_ckpt_settings_invalid": "체크포인트 설정이 올바르지 않습니다: {reason}",
    "err_ckpt_settings_odd": "체크포인트 설정이 올바르지 않습니다.",
    "err_ckpt_constant": "{name}에 {constant} 값이 있습니다. 올바른 설정값이 아닙니다.",
    "err_ckpt_duplicate": "{name}에 같은 설정이 두 번 나옵니다.",
    "err_ckpt_settings_unusable": "체크포인트 설정을 사용할 수 없습니다: {reason}",
    "err_ckpt_not_safetensors": "체크포인트 안의 {name} 파일이 safetensors 파일이 아닙니다.",
    "err_ckpt_tensors_both": (
        "가중치가 이 설정과 맞지 않습니다: {missing}이(가) 없고, 예상하지 못한 텐서가 "
        "{extra}개 있습니다."
    ),
    "err_ckpt_tensors_missing": "가중치가 이 설정과 맞지 않습니다: {missing}이(가) 없습니다.",
    "err_ckpt_tensors_extra": (
        "가중치가 이 설정과 맞지 않습니다: 예상하지 못한 텐서가 {extra}개 있습니다."
    ),
    "err_ckpt_dtype": "가중치 {name}은(는) float32여야 합니다 (지금은 {dtype}).",
    "err_ckpt_shape": "가중치 {name}의 shape은 {shape}인데, 이 설정에는 {need}이(가) 필요합니다.",
    "err_ckpt_not_finite": "가중치 {name}에 NaN이나 무한대 값이 있습니다.",
}
