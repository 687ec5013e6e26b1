a:a.d.t
longer_dataset_name_xxxxxxxxxxxxxxxxxxxxxxxxx
xa:a:a.d.t a:a.d.t