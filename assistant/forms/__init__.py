"""Reading received self-evaluation forms (项目支出绩效自评表) from Word, PDF, Excel and web text."""
