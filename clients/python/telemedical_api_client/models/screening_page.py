from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.cssrs_screening import CssrsScreening
    from ..models.gad_7_screening import Gad7Screening
    from ..models.ketamine_intake_screening import KetamineIntakeScreening
    from ..models.pcl_5_screening import Pcl5Screening
    from ..models.phq_9_screening import Phq9Screening


T = TypeVar("T", bound="ScreeningPage")


@_attrs_define
class ScreeningPage:
    """
    Attributes:
        data (list[CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening]):
        has_more (bool):
        next_cursor (None | str):
    """

    data: list[CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening]
    has_more: bool
    next_cursor: None | str

    def to_dict(self) -> dict[str, Any]:
        from ..models.cssrs_screening import CssrsScreening  # noqa: PLC0415
        from ..models.gad_7_screening import Gad7Screening  # noqa: PLC0415
        from ..models.pcl_5_screening import Pcl5Screening  # noqa: PLC0415
        from ..models.phq_9_screening import Phq9Screening  # noqa: PLC0415

        data = []
        for data_item_data in self.data:
            data_item: dict[str, Any]
            if isinstance(data_item_data, Phq9Screening):
                data_item = data_item_data.to_dict()
            elif isinstance(data_item_data, Gad7Screening):
                data_item = data_item_data.to_dict()
            elif isinstance(data_item_data, Pcl5Screening):
                data_item = data_item_data.to_dict()
            elif isinstance(data_item_data, CssrsScreening):
                data_item = data_item_data.to_dict()
            else:
                data_item = data_item_data.to_dict()

            data.append(data_item)

        has_more = self.has_more

        next_cursor: None | str
        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "has_more": has_more,
                "next_cursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cssrs_screening import CssrsScreening  # noqa: PLC0415
        from ..models.gad_7_screening import Gad7Screening  # noqa: PLC0415
        from ..models.ketamine_intake_screening import KetamineIntakeScreening  # noqa: PLC0415
        from ..models.pcl_5_screening import Pcl5Screening  # noqa: PLC0415
        from ..models.phq_9_screening import Phq9Screening  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:

            def _parse_data_item(
                data: object,
            ) -> CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_screening_type_0 = Phq9Screening.from_dict(data)

                    return componentsschemas_screening_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_screening_type_1 = Gad7Screening.from_dict(data)

                    return componentsschemas_screening_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_screening_type_2 = Pcl5Screening.from_dict(data)

                    return componentsschemas_screening_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_screening_type_3 = CssrsScreening.from_dict(data)

                    return componentsschemas_screening_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_screening_type_4 = KetamineIntakeScreening.from_dict(data)

                return componentsschemas_screening_type_4

            data_item = _parse_data_item(data_item_data)

            data.append(data_item)

        has_more = d.pop("has_more")

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        screening_page = cls(
            data=data,
            has_more=has_more,
            next_cursor=next_cursor,
        )

        return screening_page
